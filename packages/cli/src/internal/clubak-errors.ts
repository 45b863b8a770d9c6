/**
 * How clubak reports errors. ClusterShell's clubak sends every error through
 * `handle_generic_error()`, which words most of them as nodeset does (see `errors-map.ts`), with
 * two differences: a Python ValueError (a malformed input line, an undecodable one) is printed
 * as `<prog>: <message>`, not `ERROR: <message>`; and one input crashes ClusterShell 1.9.1 with a
 * traceback (`-r` when keys are not node sets), which we print as `/usr/bin/clubak` does.
 *
 * @module
 */

import { CliPythonError } from '../errors.js';
import type { ErrorContext, ErrorReport } from './errors-map.js';
import { EXIT, reportError } from './errors-map.js';

/** Where `-r` met raw keys: the display routine that asked for the regrouped key text. */
export type RegroupCrashSite = 'content' | 'lines' | 'diff';

const CALLER_FRAMES =
  'Traceback (most recent call last):\n' +
  '  File "/usr/bin/clubak", line 33, in <module>\n' +
  "    sys.exit(load_entry_point('ClusterShell==1.9.1', 'console_scripts', 'clubak')())\n" +
  `             ${'^'.repeat(70)}\n` +
  '  File "/usr/lib/python3/dist-packages/ClusterShell/CLI/Clubak.py", line 179, in main\n' +
  '    clubak()\n' +
  '  File "/usr/lib/python3/dist-packages/ClusterShell/CLI/Clubak.py", line 173, in clubak\n' +
  '    display(tree, disp, disp.gather or disp.regroup, \\\n' +
  '  File "/usr/lib/python3/dist-packages/ClusterShell/CLI/Clubak.py", line 81, in display\n' +
  '    disp.print_gather_keys(key, msg)\n' +
  '  File "/usr/lib/python3/dist-packages/ClusterShell/CLI/Display.py", line 241, in print_gather_keys\n' +
  '    return self._display(self.__class__._KeySet(keys), obj)\n' +
  `           ${'^'.repeat(48)}\n`;

const SITE_FRAMES: Readonly<Record<RegroupCrashSite, string>> = {
  content:
    '  File "/usr/lib/python3/dist-packages/ClusterShell/CLI/Display.py", line 245, in _print_content\n' +
    "    self.out.write(self.format_header(nodeset) + bytes(content) + b'\\n')\n" +
    `                   ${'^'.repeat(27)}\n` +
    '  File "/usr/lib/python3/dist-packages/ClusterShell/CLI/Display.py", line 208, in format_header\n' +
    '    indstr, self._format_nodeset(nodeset), nodecntstr,\n' +
    `            ${'^'.repeat(29)}\n`,
  lines:
    '  File "/usr/lib/python3/dist-packages/ClusterShell/CLI/Display.py", line 285, in _print_lines\n' +
    '    ("%s: " % self._format_nodeset(nodeset))\n' +
    `              ${'^'.repeat(29)}\n`,
  diff:
    '  File "/usr/lib/python3/dist-packages/ClusterShell/CLI/Display.py", line 253, in _print_diff\n' +
    '    nsstr_ref = self._format_nodeset(nodeset_ref)\n' +
    `                ${'^'.repeat(33)}\n`,
};

const REGROUP_FRAME =
  '  File "/usr/lib/python3/dist-packages/ClusterShell/CLI/Display.py", line 195, in _format_nodeset\n' +
  '    return nodeset.regroup(self.groupsource, noprefix=self.noprefix)\n' +
  `           ${'^'.repeat(15)}\n` +
  "AttributeError: '_KeySet' object has no attribute 'regroup'\n";

/**
 * ClusterShell 1.9.1 crashes when `-r` must regroup keys that are not node sets (its raw-key
 * stand-in has no `regroup()`): Python prints a traceback and exits with status 1.
 */
export class ClubakRegroupCrash extends CliPythonError {
  /** The display routine that crashed. */
  readonly site: RegroupCrashSite;

  /**
   * @param site - the display routine that crashed
   */
  constructor(site: RegroupCrashSite) {
    super('AttributeError', "'_KeySet' object has no attribute 'regroup'");
    this.site = site;
  }

  /** The traceback `/usr/bin/clubak` prints. */
  get traceback(): string {
    return CALLER_FRAMES + SITE_FRAMES[this.site] + REGROUP_FRAME;
  }
}

/**
 * Words an error as ClusterShell's clubak reports it.
 *
 * @param e - the thrown value
 * @param ctx - program name and usage text
 * @returns the stderr text and the exit status
 */
export function reportClubakError(e: unknown, ctx: ErrorContext): ErrorReport {
  if (e instanceof ClubakRegroupCrash) return { stderr: e.traceback, exitCode: EXIT.FAILURE };
  const code = e instanceof Error ? (e as { code?: unknown }).code : undefined;
  if (code === 'ERR_CLI_PYTHON' || code === 'ERR_NODESET_VALUE') {
    return { stderr: `${ctx.prog}: ${(e as Error).message}\n`, exitCode: EXIT.FAILURE };
  }
  return reportError(e, ctx);
}
