/**
 * What the `nodeset` and `cluset` executables share: run the tool on the process's own streams,
 * set the exit status, and stay silent on a broken pipe.
 *
 * @module
 */

import { basename } from 'node:path';
import { nodesetMain } from '../nodeset-cli.js';

/**
 * Runs the nodeset tool as the current process.
 *
 * @param fallbackName - program name when the script name says nothing useful
 */
export function runBin(fallbackName: string): void {
  // Write errors (EPIPE when the reader goes away, ENOSPC...) are reported by nodesetMain()
  // itself, through the write callbacks; this listener only keeps a late 'error' event from
  // crashing the process with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', () => {
      process.exitCode = process.exitCode || 1;
    });
  }
  const script = process.argv[1];
  const name = script === undefined ? '' : basename(script).replace(/\.[cm]?[jt]s$/, '');
  nodesetMain(process.argv.slice(2), { progName: name || fallbackName }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${fallbackName}: ${String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
