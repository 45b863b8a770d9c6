/**
 * The file system calls of this package, gathered in one mutable object so that tests can spy on
 * them (`vi.spyOn(io, 'readFile')`) and prove that nothing is read before a group is needed.
 *
 * @module
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';

/** What a path is, as far as the config loader cares. */
export type PathKind = 'file' | 'directory' | 'other' | 'missing';

/** The file system operations the loader uses. */
export interface GroupsIo {
  /** Reads a whole file as bytes. */
  readFile(path: string): Uint8Array;
  /** Lists the entry names of a directory. */
  readDir(path: string): string[];
  /** Tells what `path` is, following symbolic links. */
  kind(path: string): PathKind;
}

/** The live implementation (replace or spy on its methods in tests). */
export const io: GroupsIo = {
  readFile(path: string): Uint8Array {
    return readFileSync(path);
  },
  readDir(path: string): string[] {
    return readdirSync(path);
  },
  kind(path: string): PathKind {
    try {
      const st = statSync(path);
      if (st.isFile()) return 'file';
      if (st.isDirectory()) return 'directory';
      return 'other';
    } catch {
      return 'missing';
    }
  },
};
