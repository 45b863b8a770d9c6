/**
 * A small synchronous `glob(3)` for OpenSSH's `Include`: `*`, `?` and `[...]` classes in any path
 * segment, no leading-dot matches unless the pattern has one, results sorted per directory.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function hasMagic(segment: string): boolean {
  return /[*?[]/u.test(segment);
}

function segmentToRegExp(segment: string): RegExp {
  let re = '^';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, end);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/gu, '\\\\')}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\\]]/gu, '\\$&');
  }
  return new RegExp(`${re}$`, 'u');
}

/**
 * Expands an absolute glob pattern into the existing paths it names.
 *
 * @param pattern - an absolute path, possibly with wildcards
 * @returns the matching paths, sorted (empty when nothing matches)
 */
export function globSync(pattern: string): string[] {
  const segments = pattern.split('/');
  let bases = [segments[0] === '' ? '/' : (segments[0] as string)];
  for (let s = 1; s < segments.length; s++) {
    const segment = segments[s] as string;
    if (segment === '') continue;
    const next: string[] = [];
    if (!hasMagic(segment)) {
      for (const base of bases) next.push(join(base, segment));
    } else {
      const re = segmentToRegExp(segment);
      for (const base of bases) {
        let names: string[];
        try {
          names = readdirSync(base);
        } catch {
          continue;
        }
        names.sort();
        for (const name of names) {
          if (name.startsWith('.') && !segment.startsWith('.')) continue;
          if (re.test(name)) next.push(join(base, name));
        }
      }
    }
    bases = next;
  }
  return bases.filter((p) => {
    try {
      statSync(p);
      return true;
    } catch {
      return false;
    }
  });
}
