import { fold, getDefaultGroupResolver, NodeSet } from '@cluster-task/nodeset';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GroupResolverConfig, installDefaultGroupResolver } from '../src/index.js';
import { io } from '../src/internal/io.js';
import { tempTree } from './helpers.js';

describe('default resolver', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('is installed by importing the package, and reads nothing before a group is needed', () => {
    const readFile = vi.spyOn(io, 'readFile');
    const kind = vi.spyOn(io, 'kind');
    const readDir = vi.spyOn(io, 'readDir');
    const resolver = getDefaultGroupResolver();
    expect(resolver).toBeInstanceOf(GroupResolverConfig);
    expect(resolver?.illegalChars).toBe('@,!&^*');
    expect(new NodeSet('n[1-5]!n3,m1').toString()).toBe('m1,n[1-2,4-5]');
    expect(fold('a1,a2,a3')).toBe('a[1-3]');
    expect(readFile).not.toHaveBeenCalled();
    expect(kind).not.toHaveBeenCalled();
    expect(readDir).not.toHaveBeenCalled();
  });

  it('reads the config once, when the first group is parsed', () => {
    const t = tempTree();
    try {
      const conf = t.write('groups.conf', '[Main]\nautodir: $CFGDIR/d\n[up]\nmap: echo up$GROUP\n');
      const yaml = t.write('d/s.yaml', 'ys:\n  g: y[1-2]\n');
      const readFile = vi.spyOn(io, 'readFile');
      installDefaultGroupResolver({ groupsConf: conf });
      expect(new NodeSet('plain[1-2]').size).toBe(2);
      expect(readFile).not.toHaveBeenCalled();
      // The first source (autodir YAML before groups.conf sections) is the default one.
      expect(new NodeSet('@g').toString()).toBe('y[1-2]');
      expect(new NodeSet('@ys:g,@up:x').toString()).toBe('upx,y[1-2]');
      expect(readFile.mock.calls.map((c) => c[0])).toEqual([conf, yaml]);
    } finally {
      t.cleanup();
    }
  });
});
