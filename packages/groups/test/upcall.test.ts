import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  GroupResolverConfig,
  GroupResolverIllegalCharError,
  GroupResolverSourceError,
  GroupSourceNoUpcallError,
  GroupSourceQueryFailedError,
  isGroupsError,
} from '../src/index.js';
import type { TempTree } from './helpers.js';
import { oracle, ours, tempTree } from './helpers.js';

// Prints v<N>, N counting the runs of this upcall (state kept in a file of the config dir).
const COUNTER = (file: string): string =>
  `n=$(cat ${file} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${file}; echo v$n`;

function runs(t: TempTree, file: string): number {
  const p = t.path(`cfg/${file}`);
  return existsSync(p) ? Number(readFileSync(p, 'utf8').trim()) : 0;
}

/** Whether a process is gone (or a zombie waiting to be reaped). */
function isDead(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

describe('upcalls', () => {
  let t: TempTree;
  const load = (
    conf: string,
    extra: { upcallTimeout?: number; env?: Record<string, string> } = {},
  ) => GroupResolverConfig.load({ groupsConf: t.write('cfg/groups.conf', conf), ...extra });

  beforeEach(() => {
    t = tempTree();
  });
  afterEach(() => {
    vi.useRealTimers();
    t.cleanup();
  });

  it('splits stripped output on lines and whitespace', () => {
    const r = load("[s]\nmap: printf '  n1 n2\\n\\tn3\\r\\n\\n  n[4-5],n6  \\n'\n");
    expect(r.groupNodes('g')).toEqual(['n1', 'n2', 'n3', 'n[4-5],n6']);
  });

  it('substitutes $GROUP, $NODE, $CFGDIR, $SOURCE and $$ before running sh -c', () => {
    const r = load(
      '[s,other]\nmap: echo "$GROUP|$\u007bGROUP}x|$SOURCE|$CFGDIR|$$HOME|$GROUPS."\nreverse: echo "$NODE-$SOURCE"\nlist: echo "[$GROUP]"\n',
      { env: { HOME: '/custom/home', PATH: process.env.PATH ?? '/usr/bin:/bin' } },
    );
    expect(r.groupNodes('g1')).toEqual([`g1|g1x|s|${t.path('cfg')}|/custom/home|.`]);
    expect(r.groupNodes('g2', 'other')).toEqual([`g2|g2x|other|${t.path('cfg')}|/custom/home|.`]);
    expect(r.nodeGroups('n1')).toEqual(['n1-s']);
    // $GROUP is only defined for map: elsewhere the shell sees it (unset here).
    expect(r.groupList()).toEqual(['[]']);
  });

  it('runs in the config directory of the source, with stdin closed', () => {
    t.write('cfg/conf.d/x.conf', '[inner]\nmap: pwd\nlist: cat; read x || echo "eof"\n');
    const r = load('[Main]\nconfdir: $CFGDIR/conf.d\n[outer]\nmap: pwd; cat\n', {
      upcallTimeout: 5000,
    });
    expect(r.groupNodes('g', 'outer')).toEqual([t.path('cfg')]);
    expect(r.groupNodes('g', 'inner')).toEqual([t.path('cfg/conf.d')]);
    expect(r.groupList('inner')).toEqual(['eof']);
  });

  it('throws GroupSourceQueryFailedError with the command and its stderr on a non-zero exit', () => {
    const r = load('[s]\nmap: echo out; echo "bad $GROUP" >&2; exit 3\n');
    let error: unknown;
    try {
      r.groupNodes('g1');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GroupSourceQueryFailedError);
    expect(isGroupsError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'ERR_GROUPS_QUERY_FAILED',
      message: 'echo out; echo "bad g1" >&2; exit 3',
      command: 'echo out; echo "bad g1" >&2; exit 3',
      stderr: 'bad g1\n',
      exitCode: 3,
      timedOut: false,
      source: 's',
    });
  });

  it('fails cleanly when the command cannot start', async () => {
    const r = load('[s]\nmap: echo never\n');
    expect(r.sources()).toEqual(['s']);
    t.cleanup();
    for (const run of [() => r.groupNodes('g'), () => r.groupNodesAsync('g')]) {
      let error: unknown;
      try {
        await run();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GroupSourceQueryFailedError);
      expect(error).toMatchObject({ message: 'echo never', exitCode: undefined });
      expect((error as GroupSourceQueryFailedError).stderr).toMatch(
        `cannot run upcall in ${t.path('cfg')}: `,
      );
    }
  });

  it('does not cache failures', async () => {
    t.write('cfg/flag', '');
    const r = load('[s]\nmap: test -s flag && echo ok\n');
    expect(() => r.groupNodes('g')).toThrow(GroupSourceQueryFailedError);
    await expect(r.groupNodesAsync('g')).rejects.toThrow(GroupSourceQueryFailedError);
    t.write('cfg/flag', 'x');
    expect(r.groupNodes('g')).toEqual(['ok']);
  });

  it('kills a command past the timeout, with everything it started', async () => {
    const r = load('[s]\nmap: sleep 30 & echo $! > $GROUP.pid; echo started; wait\n', {
      upcallTimeout: 800,
    });
    for (const [group, run] of [
      ['sync', () => r.groupNodes('sync')],
      ['async', () => r.groupNodesAsync('async')],
    ] as const) {
      let error: unknown;
      try {
        await run();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GroupSourceQueryFailedError);
      const cmd = `sleep 30 & echo $! > ${group}.pid; echo started; wait`;
      expect(error).toMatchObject({
        command: cmd,
        message: `${cmd} (timed out after 800 ms)`,
        timedOut: true,
      });
      const pid = Number(readFileSync(t.path(`cfg/${group}.pid`), 'utf8'));
      await vi.waitFor(() => expect(isDead(pid)).toBe(true), { timeout: 5000 });
    }
  });

  it('caches results per upcall and key for cache_time seconds', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const r = load(
      `[s]\nmap: ${COUNTER('map.count')}\nlist: ${COUNTER('list.count')}\nall: ${COUNTER('all.count')}\n` +
        `reverse: ${COUNTER('rev.count')}\n[short]\nmap: ${COUNTER('short.count')}\ncache_time: 10\n` +
        `[nocache]\nmap: ${COUNTER('none.count')}\ncache_time: 0\n`,
    );
    expect(r.groupNodes('a')).toEqual(['v1']);
    expect(r.groupNodes('a')).toEqual(['v1']);
    expect(r.groupNodes('b')).toEqual(['v2']);
    expect(r.groupList()).toEqual(['v1']);
    expect(r.groupList()).toEqual(['v1']);
    expect(r.allNodes()).toEqual(['v1']);
    expect(r.nodeGroups('n1')).toEqual(['v1']);
    expect(r.nodeGroups('n1')).toEqual(['v1']);
    expect(r.groupNodes('a', 'short')).toEqual(['v1']);
    expect(r.groupNodes('a', 'nocache')).toEqual(['v1']);
    expect(r.groupNodes('a', 'nocache')).toEqual(['v2']);

    vi.advanceTimersByTime(10_000);
    expect(r.groupNodes('a', 'short')).toEqual(['v1']);
    vi.advanceTimersByTime(1);
    expect(r.groupNodes('a', 'short')).toEqual(['v2']);
    expect(r.groupNodes('a')).toEqual(['v1']);

    vi.advanceTimersByTime(3_590_000);
    expect(r.groupNodes('a')).toEqual(['v3']);
    expect(r.groupList()).toEqual(['v2']);
    expect(runs(t, 'map.count')).toBe(3);

    r.clearCache();
    expect(r.groupNodes('a')).toEqual(['v4']);
    expect(r.nodeGroups('n1')).toEqual(['v2']);
  });

  it('shares one process between concurrent identical async queries', async () => {
    const r = load(`[s]\nmap: sleep 0.2; ${COUNTER('$GROUP.count')}\n`);
    const same = await Promise.all([1, 2, 3, 4, 5].map(() => r.groupNodesAsync('a')));
    expect(same).toEqual([['v1'], ['v1'], ['v1'], ['v1'], ['v1']]);
    expect(runs(t, 'a.count')).toBe(1);
    const other = await Promise.all([r.groupNodesAsync('b'), r.groupNodesAsync('c')]);
    expect(other).toEqual([['v1'], ['v1']]);
    // The async result is cached for the sync path too.
    expect(r.groupNodes('a')).toEqual(['v1']);
    expect(runs(t, 'a.count')).toBe(1);
  });

  it('stops waiting when the signal aborts', async () => {
    const r = load(`[s]\nmap: sleep 0.3; ${COUNTER('a.count')}\nlist: echo l\n`);
    const controller = new AbortController();
    const pending = r.groupNodesAsync('a', undefined, { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    await expect(
      r.groupListAsync(undefined, { signal: AbortSignal.abort(new Error('early')) }),
    ).rejects.toThrow('early');
    // The shared upcall went on and its result was cached.
    await vi.waitFor(() => expect(runs(t, 'a.count')).toBe(1), { timeout: 5000 });
    expect(await r.groupNodesAsync('a')).toEqual(['v1']);
  });

  it('serves map, list and all from one mapall run', async () => {
    const r = load(
      `[s]\nmapall: ${COUNTER('mapall.count')} >/dev/null; printf 'g1: n1\\n\\n  g2 :n2 n3\\ng1: n4\\nempty:\\nrk[1-2]: r1\\n'\n` +
        `[both]\nmapall: ${COUNTER('both.count')} >/dev/null; echo 'x: n1'\nmap: echo "map-$GROUP"\nlist: echo never\n`,
    );
    expect(r.groupNodes('g1')).toEqual(['n1,n4']);
    expect(r.groupNodes('g2')).toEqual(['n2', 'n3']);
    expect(r.groupNodes('empty')).toEqual([]);
    expect(r.groupNodes('unknown')).toEqual([]);
    expect(r.groupList()).toEqual(['g1', 'g2', 'empty', 'rk[1-2]']);
    expect(r.allNodes()).toEqual(['n1,n4', 'n2', 'n3']);
    expect(await r.allNodesAsync()).toEqual(['n1,n4', 'n2', 'n3']);
    expect(r.nodeGroups('n3')).toEqual(['g2']);
    expect(await r.nodeGroupsAsync('n4')).toEqual(['g1']);
    expect(runs(t, 'mapall.count')).toBe(1);
    // With map as well: mapall answers first, map resolves what mapall did not list.
    expect(r.groupNodes('x', 'both')).toEqual(['n1']);
    expect(r.groupNodes('y', 'both')).toEqual(['map-y']);
    expect(r.groupList('both')).toEqual(['x']);
    expect(runs(t, 'both.count')).toBe(1);
  });

  it('fails the whole mapall run on a malformed line, and retries on the next query', () => {
    t.write('cfg/out', 'g1: n1\nnot a group line\n');
    const r = load(`[s]\nmapall: ${COUNTER('c')} >/dev/null; cat out\n`);
    let error: unknown;
    try {
      r.groupNodes('g1');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GroupSourceQueryFailedError);
    expect(error).toMatchObject({
      message: "mapall: invalid line 'not a group line' (expected 'group: nodes')",
      command: `${COUNTER('c')} >/dev/null; cat out`,
    });
    t.write('cfg/out', 'g1: n1\ng2 g3: bad\n');
    expect(() => r.groupList()).toThrow(
      "mapall: invalid line 'g2 g3: bad' (expected 'group: nodes')",
    );
    t.write('cfg/out', 'g1: n1\n');
    expect(r.groupNodes('g1')).toEqual(['n1']);
    expect(runs(t, 'c')).toBe(3);
  });

  it('falls back on list + map for allNodes, and reports missing upcalls', async () => {
    const r = load(
      '[s]\nmap: echo "$GROUP-node"\nlist: echo \'b rk[1-2]\' a\n[maponly]\nmap: echo x\n[nomap]\nmapall:\nlist: echo g\n',
    );
    expect(r.allNodes()).toEqual(['a-node', 'b-node', 'rk1-node', 'rk2-node']);
    expect(await r.allNodesAsync()).toEqual(['a-node', 'b-node', 'rk1-node', 'rk2-node']);
    expect(() => r.allNodes('maponly')).toThrow(GroupSourceNoUpcallError);
    await expect(r.allNodesAsync('maponly')).rejects.toMatchObject({
      upcall: 'list',
      source: 'maponly',
    });
    expect(() => r.groupList('maponly')).toThrow(
      expect.objectContaining({ code: 'ERR_GROUPS_NO_UPCALL', upcall: 'list', message: 'list' }),
    );
    expect(() => r.groupNodes('g', 'nomap')).toThrow(expect.objectContaining({ upcall: 'map' }));
    expect(r.hasNodeGroups('s')).toBe(false);
    expect(r.nodeGroups('rk2-node')).toEqual(['rk2']);
    expect(await r.nodeGroupsAsync('a-node')).toEqual(['a']);
  });

  it('rejects group names holding @,!&^* (list and reverse), like ClusterShell', async () => {
    const conf =
      '[s,s2]\nmap: echo n1\nlist: echo \'ok bad,name also!bad\'\nreverse: echo "fine x@y@$SOURCE"\n';
    const file = t.write('cfg/groups.conf', conf);
    // (ClusterShell joins the characters of a Python set: their order varies with one.)
    const queries = [['list'], ['reverse', 'n1'], ['map', 'a,b']] as const;
    const r = GroupResolverConfig.load({ groupsConf: file });
    expect(ours(r, queries)).toEqual(oracle([file], queries));
    t.write('cfg/groups.conf', conf.replace('$SOURCE', '^z'));
    let error: unknown;
    try {
      GroupResolverConfig.load({ groupsConf: file }).nodeGroups('n1');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GroupResolverIllegalCharError);
    expect(error).toMatchObject({ message: '@ ^', group: 'x@y@^z', chars: ['@', '^'] });
    await expect(r.groupListAsync()).rejects.toThrow(GroupResolverIllegalCharError);
    expect(r.illegalChars).toBe('@,!&^*');
  });

  it('throws GroupResolverSourceError for an unknown source', async () => {
    const r = load('[s]\nmap: echo n1\n');
    expect(() => r.groupNodes('g', 'nosuch')).toThrow(new GroupResolverSourceError('nosuch'));
    await expect(r.nodeGroupsAsync('n', 'nosuch')).rejects.toMatchObject({
      code: 'ERR_GROUPS_UNKNOWN_SOURCE',
      source: 'nosuch',
    });
    expect(r.hasNodeGroups('nosuch')).toBe(false);
    expect(r.groupNodes('g', '')).toEqual(['n1']);
  });
});
