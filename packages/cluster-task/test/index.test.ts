import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  GroupResolverConfig,
  isGroupsError,
  isNodeSetError,
  loadGroupResolver,
  MsgTree,
  NodeSet,
  RangeSet,
} from '../src/index.js';

describe('cluster-task re-exports its packages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-task-meta-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives NodeSet, RangeSet and MsgTree', () => {
    expect(new NodeSet('n[1-3]!n2', { resolver: null }).toString()).toBe('n[1,3]');
    expect(new RangeSet('1-3').size).toBe(3);
    const tree = new MsgTree();
    tree.add('n1', 'up');
    tree.add('n2', 'up');
    expect([...tree.walk()].map((e) => e.keys.length)).toEqual([2]);
    expect(isNodeSetError(new Error('x'))).toBe(false);
    expect(isGroupsError(new Error('x'))).toBe(false);
  });

  it('resolves groups from ClusterShell config files', () => {
    const conf = join(dir, 'groups.conf');
    writeFileSync(
      conf,
      `[Main]\ndefault: site\n\n[site]\nmap: echo node[1-4]\nlist: echo compute\n`,
    );
    const resolver = loadGroupResolver({ groupsConf: conf, env: { HOME: dir } });
    expect(resolver).toBeInstanceOf(GroupResolverConfig);
    expect(new NodeSet('@compute!node2', { resolver }).toString()).toBe('node[1,3-4]');
  });
});
