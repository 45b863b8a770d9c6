#!/usr/bin/env node
/**
 * The `clubak` command (ClusterShell 1.9.1 compatible): gathers `node: line` output.
 *
 * @module
 */

import { basename } from 'node:path';
import { clubakMain } from '../clubak-cli.js';

// Write errors (EPIPE when the reader goes away, ENOSPC...) are reported by clubakMain() itself;
// this listener only keeps a late 'error' event from crashing the process with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', () => {
    process.exitCode = process.exitCode || 1;
  });
}
const script = process.argv[1];
const name = script === undefined ? '' : basename(script).replace(/\.[cm]?[jt]s$/, '');
clubakMain(process.argv.slice(2), { progName: name || 'clubak' }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`clubak: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
