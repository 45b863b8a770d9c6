import { isNodeSetError, NodeSet, NodeSetParseError } from '@cluster-task/nodeset';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupResolverConfig, GroupResolverSourceError } from '../src/index.js';
import type { OracleQuery, TempTree } from './helpers.js';
import { oracle, ours, tempTree } from './helpers.js';

const GROUPS_CONF = String.raw`[Main]
default: local
autodir: $CFGDIR/groups.d

[local]
map: sed -n 's/^$GROUP:\(.*\)/\1/p' $CFGDIR/local.cfg
all: sed -n 's/^all:\(.*\)/\1/p' $CFGDIR/local.cfg
list: sed -n 's/^\([0-9A-Za-z_-]*\):.*/\1/p' $CFGDIR/local.cfg

[dump]
mapall: sed -n 's/^\([0-9A-Za-z_-]*\):/\1:/p' $CFGDIR/local.cfg
list: echo never used

[fail]
map: echo oops >&2; exit 3
`;

const LOCAL_CFG = `adm: example0
all: example[0,4-6,32-159]
compute: example[32-159]
gpu: example[156-159]
io: example[4-6]
mds: example6
oss: example[4-5]
rk1: example[0-10]
rk2: @io,example99
`;

const RACKS = 'racks:\n  rack1: example[32-95]\n  rack2: example[96-159]\n  spare: "@local:adm"\n';

describe('NodeSet with GroupResolverConfig', () => {
  let t: TempTree;
  let file: string;
  let resolver: GroupResolverConfig;
  beforeAll(() => {
    t = tempTree();
    file = t.write('cfg/groups.conf', GROUPS_CONF);
    // ClusterShell 1.9.1 has no mapall: its copy of the config spells [dump] with map + list.
    t.write(
      'cfg/groups-1.9.conf',
      GROUPS_CONF.replace(
        /^mapall: .*\nlist: .*$/m,
        String.raw`map: sed -n 's/^$GROUP:\(.*\)/\1/p' $CFGDIR/local.cfg` +
          '\n' +
          String.raw`list: sed -n 's/^\([0-9A-Za-z_-]*\):.*/\1/p' $CFGDIR/local.cfg`,
      ),
    );
    t.write('cfg/local.cfg', LOCAL_CFG);
    t.write('cfg/groups.d/racks.yaml', RACKS);
    resolver = GroupResolverConfig.load({ groupsConf: file });
  });
  afterAll(() => t.cleanup());

  it('parses, folds and regroups like ClusterShell', () => {
    const queries: readonly OracleQuery[] = [
      ['fold', '@compute'],
      ['fold', '@rk2'],
      ['fold', '@io&@oss'],
      ['fold', '@compute!@gpu,@adm'],
      ['fold', '@racks:rack[1-2]!@racks:rack1'],
      ['fold', '@racks:spare'],
      ['fold', '@*'],
      ['fold', '@racks:*'],
      ['fold', '@dump:*'],
      ['fold', '@dump:rk2'],
      ['fold', '@@racks'],
      ['fold', '@@dump'],
      ['fold', 'example[1-40]&@*'],
      ['fold', '@nosuchgroup'],
      ['fold', '@nosuch:x'],
      ['regroup', 'example[4-6,32-159]'],
      ['regroup', 'example[32-159]', 'racks'],
      ['regroup', 'example[4-6]', 'dump'],
      ['groups', 'example5'],
      ['groups', 'example100', 'racks'],
    ];
    const got = ours(resolver, queries);
    expect(got).toEqual(oracle([t.path('cfg/groups-1.9.conf')], queries));
    expect(got[0]).toEqual({ ok: 'example[32-159]' });
    expect(got[1]).toEqual({ ok: 'example[4-6,99]' });
    expect(got[15]).toEqual({ ok: '@compute,@io' });
  });

  it('turns a failed upcall into NodeSetParseError naming the command', () => {
    let error: unknown;
    try {
      new NodeSet('@fail:x', { resolver });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NodeSetParseError);
    expect(isNodeSetError(error)).toBe(true);
    expect((error as Error).message).toBe('echo oops >&2; exit 3: "@fail:x"');
    expect(() => new NodeSet('@nosuch:x', { resolver })).toThrow(GroupResolverSourceError);
  });
});
