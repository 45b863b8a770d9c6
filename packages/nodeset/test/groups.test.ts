import { afterEach, describe, expect, it } from 'vitest';
import {
  type GroupResolver,
  getDefaultGroupResolver,
  groupList,
  NodeSet,
  NodeSetExternalError,
  NodeSetParseError,
  setDefaultGroupResolver,
} from '../src/index.js';

/** An in-memory resolver with ClusterShell's example groups; expectations come from ClusterShell 1.9.1. */
function exampleResolver(options: { reverse?: boolean } = {}): GroupResolver & { calls: string[] } {
  const sources: Record<string, Record<string, string>> = {
    local: {
      adm: 'example0',
      oss: 'example[4-5]',
      mds: 'example6',
      io: 'example[4-6]',
      compute: 'example[32-159]',
      gpu: 'example[156-159]',
      all: 'example[0,4-6,32-159]',
      rk1: 'example[0,4-6]',
      rk2: 'example[32-159]',
      nested: '@io,@mds,extra1',
    },
    racks: { rack1: 'example[0,4-6]', rack2: 'example[32-159]' },
  };
  const calls: string[] = [];
  const source = (name?: string): Record<string, string> => {
    const s = sources[name ?? 'local'];
    if (s === undefined)
      throw Object.assign(new Error(name ?? '<default>'), { code: 'ERR_GROUPS_UNKNOWN_SOURCE' });
    return s;
  };
  const resolver: GroupResolver & { calls: string[] } = {
    calls,
    defaultSource: 'local',
    sources: () => Object.keys(sources),
    groupNodes: (g, src) => {
      calls.push(`map ${src ?? ''}:${g}`);
      const v = source(src)[g];
      return v === undefined ? [] : [v];
    },
    allNodes: (src) => {
      calls.push(`all ${src ?? ''}`);
      source(src);
      return ['example[0,4-6,32-159]'];
    },
    groupList: (src) => Object.keys(source(src)),
    hasNodeGroups: () => options.reverse === true,
    nodeGroups: (node, src) => {
      calls.push(`reverse ${node}`);
      const s = source(src);
      return Object.keys(s).filter((g) => new NodeSet(s[g] as string, { resolver }).has(node));
    },
  };
  return resolver;
}

describe('groups through a resolver', () => {
  const resolver = exampleResolver();

  it.each([
    ['@io', 'example[4-6]'],
    ['@io&@oss', 'example[4-5]'],
    ['@racks:rack[1-2]!@racks:rack1', 'example[32-159]'],
    ['@rk[1-2]', 'example[0,4-6,32-159]'],
    ['@*', 'example[0,4-6,32-159]'],
    ['@racks:*', 'example[0,4-6,32-159]'],
    ['@@local', 'adm,all,compute,gpu,io,mds,nested,oss,rk[1-2]'],
    ['@@racks', 'rack[1-2]'],
    ['@@', 'adm,all,compute,gpu,io,mds,nested,oss,rk[1-2]'],
    ['@nested', 'example[4-6],extra1'],
    ['example[4-6]!@mds', 'example[4-5]'],
    ['@unknown', ''],
    ['example5*', 'example[5,50-59]'],
    ['*15?', 'example[150-159]'],
    ['example[4-6]^@oss', 'example6'],
  ])('%j resolves to %j', (input, folded) => {
    expect(new NodeSet(input, { resolver }).toString()).toBe(folded);
  });

  it('keeps @ and wildcards literal without groups', () => {
    expect(new NodeSet('@io,n*', { resolver: null }).toString()).toBe('@io,n*');
  });

  it('lets an unknown source error through', () => {
    expect(() => new NodeSet('@nosrc:foo', { resolver })).toThrow(/nosrc/);
  });

  it('turns a failed upcall into a parse error naming the input', () => {
    const failing: GroupResolver = {
      ...resolver,
      groupNodes: () => {
        throw Object.assign(new Error('false'), { code: 'ERR_GROUPS_QUERY_FAILED' });
      },
    };
    expect(() => new NodeSet('@fail:grp', { resolver: failing })).toThrow(NodeSetParseError);
    expect(() => new NodeSet('@fail:grp', { resolver: failing })).toThrow('false: "@fail:grp"');
  });

  it('reports a source that cannot list all its nodes', () => {
    const noAll: GroupResolver = {
      ...resolver,
      allNodes: () => {
        throw Object.assign(new Error('no all'), { code: 'ERR_GROUPS_NO_UPCALL' });
      },
    };
    expect(() => new NodeSet('@*', { resolver: noAll })).toThrow(
      'Not enough working methods (all or map + list) to get all nodes',
    );
    expect(() => NodeSet.fromAll({ resolver: noAll })).toThrow(NodeSetExternalError);
    expect(NodeSet.fromAll({ resolver }).size).toBe(132);
    expect(() => NodeSet.fromAll({ resolver: null })).toThrow(NodeSetExternalError);
  });

  it('stops on groups that contain themselves', () => {
    const loop: GroupResolver = { ...resolver, groupNodes: () => ['@loop'] };
    expect(() => new NodeSet('@loop', { resolver: loop })).toThrow(/recursion/);
  });

  it.each([
    ['example[4-6]', {}, '@io'],
    ['example[4-6,32-160]', {}, '@compute,@io,example160'],
    ['example[4-6,32-159]', { overlap: true }, '@compute,@gpu,@io,@rk2'],
    ['example[0,4-6,32-159]', { source: 'racks' }, '@racks:rack[1-2]'],
    ['example[0,4-6,32-159]', { source: 'racks', noprefix: true }, '@rack[1-2]'],
    ['foo', {}, 'foo'],
  ])('regroups %j with %j as %j', (input, options, expected) => {
    expect(new NodeSet(input, { resolver }).regroup(options)).toBe(expected);
  });

  it('lists the groups of a node set, by listing or by reverse upcall', () => {
    const describeGroups = (m: Map<string, { group: NodeSet; nodes: NodeSet }>) =>
      [...m].map(([k, v]) => [k, v.group.toString(), v.nodes.toString()]).sort();
    const expected = [
      ['@all', 'example[0,4-6,32-159]', 'example[4-5,32]'],
      ['@compute', 'example[32-159]', 'example32'],
      ['@io', 'example[4-6]', 'example[4-5]'],
      ['@nested', 'example[4-6],extra1', 'example[4-5]'],
      ['@oss', 'example[4-5]', 'example[4-5]'],
      ['@rk1', 'example[0,4-6]', 'example[4-5]'],
      ['@rk2', 'example[32-159]', 'example32'],
    ];
    expect(describeGroups(new NodeSet('example[4-5,32]', { resolver }).groups())).toEqual(expected);
    const withReverse = exampleResolver({ reverse: true });
    expect(
      describeGroups(new NodeSet('example[4-5,32]', { resolver: withReverse }).groups()),
    ).toEqual(expected);
    expect(withReverse.calls.filter((c) => c.startsWith('reverse'))).toHaveLength(3);
    expect(
      describeGroups(new NodeSet('example[4-5,32]', { resolver }).groups({ source: 'racks' })),
    ).toEqual([
      ['@racks:rack1', 'example[0,4-6]', 'example[4-5]'],
      ['@racks:rack2', 'example[32-159]', 'example32'],
    ]);
    expect(() => new NodeSet('n1', { resolver: null }).groups()).toThrow('No node group resolver');
  });

  it('lists group names with ranges expanded', () => {
    expect(groupList({ resolver })).toEqual([
      'adm',
      'all',
      'compute',
      'gpu',
      'io',
      'mds',
      'nested',
      'oss',
      'rk1',
      'rk2',
    ]);
    expect(groupList({ resolver, source: 'racks' })).toEqual(['rack1', 'rack2']);
  });
});

describe('the default resolver', () => {
  afterEach(() => setDefaultGroupResolver(undefined));

  it('is loaded lazily, only when a group is met', () => {
    let loads = 0;
    setDefaultGroupResolver(() => {
      loads++;
      return exampleResolver();
    });
    expect(new NodeSet('n[1-3]').size).toBe(3);
    expect(loads).toBe(0);
    expect(new NodeSet('@io').toString()).toBe('example[4-6]');
    expect(new NodeSet('@oss').toString()).toBe('example[4-5]');
    expect(loads).toBe(1);
    expect(getDefaultGroupResolver()?.defaultSource).toBe('local');
  });

  it('without any resolver, a group is an error', () => {
    setDefaultGroupResolver(undefined);
    expect(() => new NodeSet('@io')).toThrow('No node group resolver');
    expect(() => groupList()).toThrow(NodeSetExternalError);
  });
});
