/**
 * The command line of ClusterShell's `clubak`: the optparse description (same order, texts and
 * metavars as ClusterShell 1.9.1, so that `--help` matches) and its typed values.
 *
 * @module
 */

import { CLUSTERSHELL_VERSION } from './nodeset-options.js';
import type { OptionValue, ParserSpec } from './optparse.js';

/** optparse's `THREE_CHOICES` of `--color` and `--interpret-keys` (the empty string included). */
const THREE_CHOICES: readonly string[] = ['', 'never', 'always', 'auto'];

/** The clubak parser, as `CLI/OptionParser.py` builds it for `CLI/Clubak.py`. */
export const CLUBAK_PARSER: ParserSpec = {
  usage: '%prog [options]',
  version: `%prog ${CLUSTERSHELL_VERSION}`,
  options: [
    {
      names: ['-s', '--groupsource'],
      dest: 'groupsource',
      action: 'store',
      type: 'safestring',
      help: 'optional groups.conf(5) group source to use',
    },
    {
      names: ['--groupsconf'],
      dest: 'groupsconf',
      action: 'store',
      type: 'string',
      metavar: 'FILE',
      help: 'use alternate config file for groups.conf(5)',
    },
  ],
  groups: [
    {
      title: 'Output behaviour',
      options: [
        {
          names: ['-q', '--quiet'],
          dest: 'quiet',
          action: 'store_true',
          help: 'be quiet, print essential output only',
        },
        {
          names: ['-v', '--verbose'],
          dest: 'verbose',
          action: 'store_true',
          help: 'be verbose, print informative messages',
        },
        {
          names: ['-d', '--debug'],
          dest: 'debug',
          action: 'store_true',
          help: 'output more messages for debugging purpose',
        },
        {
          names: ['-G', '--groupbase'],
          dest: 'groupbase',
          action: 'store_true',
          help: 'do not display group source prefix',
        },
        {
          names: ['-L'],
          dest: 'line_mode',
          action: 'store_true',
          help: 'disable header block and order output by nodes',
        },
        {
          names: ['-N'],
          dest: 'label',
          action: 'store_false',
          help: 'disable labeling of command line',
        },
        {
          names: ['-b', '-c', '--dshbak'],
          dest: 'gather',
          action: 'store_true',
          help: 'gather nodes with same output',
        },
        {
          names: ['-B'],
          dest: 'gatherall',
          action: 'store_true',
          help: 'like -b but including standard error',
        },
        {
          names: ['-r', '--regroup'],
          dest: 'regroup',
          action: 'store_true',
          help: 'fold nodeset using node groups',
        },
        {
          names: ['-S', '--separator'],
          dest: 'separator',
          action: 'store',
          type: 'string',
          help: "node / line content separator string (default: ':')",
        },
        {
          names: ['-F', '--fast'],
          dest: 'fast_mode',
          action: 'store_true',
          help: 'faster but memory hungry mode',
        },
        {
          names: ['-T', '--tree'],
          dest: 'trace_mode',
          action: 'store_true',
          help: 'message tree trace mode',
        },
        {
          names: ['--interpret-keys'],
          dest: 'interpret_keys',
          action: 'store',
          type: 'string',
          choices: THREE_CHOICES,
          help: 'whether to interpret keys (never, always or auto)',
        },
        {
          names: ['--color'],
          dest: 'whencolor',
          action: 'store',
          type: 'string',
          choices: THREE_CHOICES,
          help: 'whether to use ANSI colors (never, always or auto)',
        },
        {
          names: ['--diff'],
          dest: 'diff',
          action: 'store_true',
          help: 'show diff between gathered outputs',
        },
        {
          names: ['--outdir'],
          dest: 'outdir',
          action: 'store',
          type: 'string',
          help: 'output directory for stdout files (OPTIONAL)',
        },
        {
          names: ['--errdir'],
          dest: 'errdir',
          action: 'store',
          type: 'string',
          help: 'output directory for stderr files (OPTIONAL)',
        },
      ],
    },
  ],
};

/** `--interpret-keys`: whether input keys are read as node sets. */
export type InterpretKeys = 'never' | 'always' | 'auto';

/** The parsed clubak options, with ClusterShell's defaults filled in. */
export interface ClubakOptions {
  readonly groupsource: string | undefined;
  readonly groupsconf: string | undefined;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly debug: boolean;
  readonly groupbase: boolean;
  readonly lineMode: boolean;
  readonly label: boolean;
  readonly gather: boolean;
  readonly gatherall: boolean;
  readonly regroup: boolean;
  readonly separator: string;
  readonly fastMode: boolean;
  readonly traceMode: boolean;
  readonly interpretKeys: InterpretKeys;
  /** `--color` as given (`''`, `never`, `always`, `auto`), undefined when absent. */
  readonly whencolor: string | undefined;
  readonly diff: boolean;
  readonly outdir: string | undefined;
  readonly errdir: string | undefined;
}

/**
 * Reads the typed options out of the parser's values.
 *
 * @param values - the values by `dest`
 * @returns the options, with defaults
 */
export function toClubakOptions(values: ReadonlyMap<string, OptionValue>): ClubakOptions {
  const str = (k: string): string | undefined => {
    const v = values.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const bool = (k: string): boolean => values.get(k) === true;
  const keys = str('interpret_keys') ?? 'auto';
  return {
    groupsource: str('groupsource'),
    groupsconf: str('groupsconf'),
    quiet: bool('quiet'),
    verbose: bool('verbose'),
    debug: bool('debug'),
    groupbase: bool('groupbase'),
    lineMode: bool('line_mode'),
    label: values.get('label') !== false,
    gather: bool('gather'),
    gatherall: bool('gatherall'),
    regroup: bool('regroup'),
    separator: str('separator') ?? ':',
    fastMode: bool('fast_mode'),
    traceMode: bool('trace_mode'),
    // ClusterShell: 'auto' keeps trying, 'always' insists, anything else ('' too) means never.
    interpretKeys: keys === 'auto' ? 'auto' : keys === 'always' ? 'always' : 'never',
    whencolor: str('whencolor'),
    diff: bool('diff'),
    outdir: str('outdir'),
    errdir: str('errdir'),
  };
}
