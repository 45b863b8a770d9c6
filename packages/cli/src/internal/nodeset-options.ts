/**
 * The command line of ClusterShell's `nodeset`/`cluset`: the optparse description (same order,
 * texts and metavars as ClusterShell 1.9.1, so that `--help` matches) and its typed values.
 *
 * @module
 */

import type { AutostepValue, OptionValue, ParserSpec } from './optparse.js';

/** ClusterShell's version, printed by `--version` (scripts parse it). */
export const CLUSTERSHELL_VERSION = '1.9.1';

/** The nodeset parser, as `CLI/OptionParser.py` builds it for `CLI/Nodeset.py`. */
export const NODESET_PARSER: ParserSpec = {
  usage: '%prog [COMMAND] [OPTIONS] [ns1 [-ixX] ns2|...]',
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
      title: 'Commands',
      options: [
        {
          names: ['-c', '--count'],
          dest: 'count',
          action: 'store_true',
          help: 'show number of nodes in nodeset(s)',
        },
        {
          names: ['-e', '--expand'],
          dest: 'expand',
          action: 'store_true',
          help: 'expand nodeset(s) to separate nodes',
        },
        {
          names: ['-f', '--fold'],
          dest: 'fold',
          action: 'store_true',
          help: 'fold nodeset(s) (or separate nodes) into one nodeset',
        },
        {
          names: ['-l', '--list'],
          dest: 'list',
          action: 'count',
          help: 'list node groups from one source (see -s GROUPSOURCE)',
        },
        {
          names: ['-L', '--list-all'],
          dest: 'listall',
          action: 'count',
          help: 'list node groups from all group sources',
        },
        {
          names: ['-r', '--regroup'],
          dest: 'regroup',
          action: 'store_true',
          help: 'fold nodes using node groups (see -s GROUPSOURCE)',
        },
        {
          names: ['--list-sources', '--groupsources'],
          dest: 'groupsources',
          action: 'store_true',
          help: 'list all active group sources (see groups.conf(5))',
        },
      ],
    },
    {
      title: 'Operations',
      options: [
        {
          names: ['-x', '--exclude'],
          dest: 'sub_nodes',
          action: 'append',
          type: 'string',
          help: 'exclude specified nodeset',
        },
        {
          names: ['-i', '--intersection'],
          dest: 'and_nodes',
          action: 'append',
          type: 'string',
          help: 'calculate nodesets intersection',
        },
        {
          names: ['-X', '--xor'],
          dest: 'xor_nodes',
          action: 'append',
          type: 'string',
          help: 'calculate symmetric difference between nodesets',
        },
      ],
    },
    {
      title: 'Options',
      options: [
        {
          names: ['-a', '--all'],
          dest: 'all',
          action: 'store_true',
          help: 'call external node groups support to display all nodes',
        },
        {
          names: ['--autostep'],
          dest: 'autostep',
          action: 'store',
          type: 'autostep',
          help:
            'enable a-b/step style syntax when folding, value is min node count threshold ' +
            "(eg. '4', '50%' or 'auto')",
        },
        {
          names: ['-d', '--debug'],
          dest: 'debug',
          action: 'store_true',
          help: 'output more messages for debugging purpose',
        },
        {
          names: ['-q', '--quiet'],
          dest: 'quiet',
          action: 'store_true',
          help: 'be quiet, print essential output only',
        },
        {
          names: ['-R', '--rangeset'],
          dest: 'rangeset',
          action: 'store_true',
          help:
            'switch to RangeSet instead of NodeSet. Useful when working on numerical cluster ' +
            'ranges, eg. 1,5,18-31',
        },
        {
          names: ['-G', '--groupbase'],
          dest: 'groupbase',
          action: 'store_true',
          help: 'hide group source prefix (always "@groupname")',
        },
        {
          names: ['-S', '--separator'],
          dest: 'separator',
          action: 'store',
          type: 'string',
          help: "separator string to use when expanding nodesets (default: ' ')",
        },
        {
          names: ['-O', '--output-format'],
          dest: 'output_format',
          action: 'store',
          type: 'string',
          metavar: 'FORMAT',
          help: "output format (default: '%s')",
        },
        {
          names: ['-I', '--slice'],
          dest: 'slice_rangeset',
          action: 'store',
          type: 'string',
          help: 'return sliced off result',
        },
        {
          names: ['--split'],
          dest: 'maxsplit',
          action: 'store',
          type: 'int',
          help: 'split result into a number of subsets',
        },
        {
          names: ['--contiguous'],
          dest: 'contiguous',
          action: 'store_true',
          help: 'split result into contiguous subsets',
        },
        {
          names: ['--axis'],
          dest: 'axis',
          action: 'store',
          type: 'string',
          metavar: 'RANGESET',
          help: 'fold along these axis only (axis 1..n for nD nodeset)',
        },
        {
          names: ['--pick'],
          dest: 'pick',
          action: 'store',
          type: 'int',
          metavar: 'N',
          help: 'pick N node(s) at random in nodeset',
        },
      ],
    },
  ],
};

/** The parsed nodeset options, with ClusterShell's defaults filled in. */
export interface NodesetOptions {
  readonly groupsource: string | undefined;
  readonly groupsconf: string | undefined;
  readonly count: boolean;
  readonly expand: boolean;
  readonly fold: boolean;
  readonly list: number;
  readonly listall: number;
  readonly regroup: boolean;
  readonly groupsources: boolean;
  readonly subNodes: readonly string[];
  readonly andNodes: readonly string[];
  readonly xorNodes: readonly string[];
  readonly all: boolean;
  readonly autostep: AutostepValue | undefined;
  readonly debug: boolean;
  readonly quiet: boolean;
  readonly rangeset: boolean;
  readonly groupbase: boolean;
  readonly separator: string;
  readonly outputFormat: string;
  readonly slice: string | undefined;
  readonly maxsplit: number | undefined;
  readonly contiguous: boolean;
  readonly axis: string | undefined;
  readonly pick: number | undefined;
}

/**
 * Reads the typed options out of the parser's values.
 *
 * @param values - the values by `dest`
 * @returns the options, with defaults
 */
export function toNodesetOptions(values: ReadonlyMap<string, OptionValue>): NodesetOptions {
  const str = (k: string): string | undefined => {
    const v = values.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const bool = (k: string): boolean => values.get(k) === true;
  const num = (k: string): number | undefined => {
    const v = values.get(k);
    return typeof v === 'number' ? v : undefined;
  };
  const list = (k: string): readonly string[] => {
    const v = values.get(k);
    return Array.isArray(v) ? (v as readonly string[]) : [];
  };
  const autostep = values.get('autostep');
  return {
    groupsource: str('groupsource'),
    groupsconf: str('groupsconf'),
    count: bool('count'),
    expand: bool('expand'),
    fold: bool('fold'),
    list: num('list') ?? 0,
    listall: num('listall') ?? 0,
    regroup: bool('regroup'),
    groupsources: bool('groupsources'),
    subNodes: list('sub_nodes'),
    andNodes: list('and_nodes'),
    xorNodes: list('xor_nodes'),
    all: bool('all'),
    autostep:
      typeof autostep === 'object' && autostep !== null && !Array.isArray(autostep)
        ? (autostep as AutostepValue)
        : undefined,
    debug: bool('debug'),
    quiet: bool('quiet'),
    rangeset: bool('rangeset'),
    groupbase: bool('groupbase'),
    separator: str('separator') ?? ' ',
    outputFormat: str('output_format') ?? '%s',
    slice: str('slice_rangeset'),
    maxsplit: num('maxsplit'),
    contiguous: bool('contiguous'),
    axis: str('axis'),
    pick: num('pick'),
  };
}
