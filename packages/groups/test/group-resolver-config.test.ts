/**
 * Options and controls of GroupResolverConfig that the nodeset CLI relies on: a settable default
 * source that keeps the on-disk order (`nodeset -s`), the `onUpcall` hook (`nodeset -d`, upcall
 * stderr), and the failed upcall's name on GroupSourceQueryFailedError.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UpcallEvent } from '../src/index.js';
import {
  GroupResolverConfig,
  GroupResolverSourceError,
  GroupSourceQueryFailedError,
} from '../src/index.js';
import type { TempTree } from './helpers.js';
import { tempTree } from './helpers.js';

const CONF = `[Main]
default: b
confdir: $CFGDIR/c

[a]
map: echo "a-$GROUP"
list: echo g1 g2

[b]
map: echo "b-$GROUP"; echo "note on $GROUP" >&2
list: echo "list failed" >&2; exit 4
`;

describe('GroupResolverConfig controls', () => {
  let t: TempTree;
  let events: UpcallEvent[];
  const load = () =>
    GroupResolverConfig.load({
      groupsConf: t.path('cfg/groups.conf'),
      onUpcall: (e) => events.push(e),
    });

  beforeEach(() => {
    t = tempTree();
    t.write('cfg/groups.conf', CONF);
    t.write('cfg/c/z.conf', '[z]\nmap: echo z\n');
    events = [];
  });
  afterEach(() => t.cleanup());

  it('setDefaultSource() moves one source first and keeps the others in their order', () => {
    const r = load();
    expect(r.sources()).toEqual(['b', 'z', 'a']);
    expect(r.defaultSource).toBe('b');
    r.setDefaultSource('a');
    expect(r.defaultSource).toBe('a');
    // ClusterShell: the chosen source first, then the others in load order (b is not kept first)
    expect(r.sources()).toEqual(['a', 'z', 'b']);
    expect(r.groupNodes('x')).toEqual(['a-x']);
    expect(r.groupNodes('x', 'b')).toEqual(['b-x']);
    expect(() => r.setDefaultSource('nosuch')).toThrow(new GroupResolverSourceError('nosuch'));
    expect(r.defaultSource).toBe('a');
  });

  it('reports every upcall to onUpcall, successful or not, before its result is used', async () => {
    const r = load();
    expect(r.groupNodes('g')).toEqual(['b-g']);
    expect(events).toEqual([
      {
        source: 'b',
        upcall: 'map',
        command: 'echo "b-g"; echo "note on g" >&2',
        cwd: t.path('cfg'),
        stdout: 'b-g',
        stderr: 'note on g\n',
        exitCode: 0,
        signal: undefined,
        timedOut: false,
        error: undefined,
      },
    ]);
    // cached: no new upcall, no new event
    r.groupNodes('g');
    expect(events).toHaveLength(1);
    let failure: unknown;
    try {
      r.groupList();
    } catch (e) {
      failure = e;
    }
    expect(failure).toBeInstanceOf(GroupSourceQueryFailedError);
    expect(failure).toMatchObject({ upcall: 'list', exitCode: 4, stderr: 'list failed\n' });
    expect(events[1]).toMatchObject({ upcall: 'list', stdout: '', exitCode: 4 });
    await r.groupNodesAsync('h', 'a');
    expect(events[2]).toMatchObject({ source: 'a', upcall: 'map', stdout: 'a-h', exitCode: 0 });
  });

  it('names the failed upcall, so that a failure of the allNodes fallback can be told apart', () => {
    const r = GroupResolverConfig.load({
      groupsConf: t.write('f/groups.conf', '[s]\nmap: exit 3\nlist: echo g\n'),
    });
    expect(() => r.allNodes()).toThrow(
      expect.objectContaining({ upcall: 'map', command: 'exit 3' }),
    );
  });

  it('lets an exception of onUpcall reach the caller', () => {
    const r = GroupResolverConfig.load({
      groupsConf: t.path('cfg/groups.conf'),
      onUpcall: () => {
        throw new Error('hook failed');
      },
    });
    expect(() => r.groupNodes('g')).toThrow('hook failed');
  });
});
