#!/usr/bin/env node
/**
 * The fleet's command line: `node tools/fleet/dist/cli.js start|stop|status|env [--nodes N]`.
 *
 * @module
 */

import { isFleetError } from './errors.js';
import { main } from './internal/cli-main.js';

try {
  process.exitCode = await main(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
} catch (e) {
  process.stderr.write(`fleet: ${isFleetError(e) ? `${e.message} (${e.code})` : String(e)}\n`);
  process.exitCode = 1;
}
