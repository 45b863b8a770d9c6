import { describe, expect, it } from 'vitest';
import { FleetError } from '../src/errors.js';
import { isFleetError } from '../src/index.js';
import { addressOfIndex, indexOfNode, isLoopback, MAX_NODES } from '../src/internal/addresses.js';
import { renderSshConfig, renderSshdConfig } from '../src/internal/config.js';

describe('node addresses', () => {
  it.each([
    [1, '127.77.0.1'],
    [254, '127.77.0.254'],
    [255, '127.77.1.1'],
    [512, '127.77.2.4'],
    [MAX_NODES, '127.77.255.254'],
  ])('node%i is %s', (index, address) => {
    expect(addressOfIndex(index)).toBe(address);
    expect(isLoopback(address)).toBe(true);
  });

  it('never uses a .0 or .255 last octet and never repeats an address', () => {
    const seen = new Set<string>();
    for (let i = 1; i <= 4096; i++) {
      const a = addressOfIndex(i);
      expect(a.endsWith('.0') || a.endsWith('.255')).toBe(false);
      seen.add(a);
    }
    expect(seen.size).toBe(4096);
  });

  it('parses node names strictly', () => {
    expect(indexOfNode('node42')).toBe(42);
    expect(indexOfNode('node042')).toBeUndefined();
    expect(indexOfNode('node0')).toBeUndefined();
    expect(indexOfNode('nodeX')).toBeUndefined();
  });

  it('tells loopback from other addresses', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(isLoopback('10.0.0.1')).toBe(false);
    expect(isLoopback('127.0.0.256')).toBe(false);
    expect(isLoopback('127.1')).toBe(false);
  });
});

describe('generated configs', () => {
  const node = { name: 'node1', address: '127.77.0.1' };
  const base = {
    index: 0,
    port: 2222,
    nodes: [node],
    hostKey: '/f/hk',
    pidFile: '/f/pid',
    authorizedKeys: '/f/ak',
    user: 'root',
    homes: '/f/home',
    maxSessions: 10,
    maxStartups: 1024,
    perSourcePenalties: false,
  };

  it('refuses an sshd config without ListenAddress (sshd would listen everywhere)', () => {
    expect(() => renderSshdConfig({ ...base, nodes: [] })).toThrow(/at least one/);
  });

  it('refuses a non-loopback address', () => {
    expect(() =>
      renderSshdConfig({ ...base, nodes: [{ name: 'node1', address: '0.0.0.0' }] }),
    ).toThrow(/loopback/);
  });

  it('pins curve25519 and raises the startup limits', () => {
    const text = renderSshdConfig({ ...base, perSourcePenalties: true });
    expect(text).toContain('\nKexAlgorithms curve25519-sha256,');
    expect(text).toContain('\nMaxStartups 1024\n');
    expect(text).toContain('\nPerSourceMaxStartups none\n');
    expect(text).toContain('\nPerSourcePenalties no\n');
    expect(text).toContain('\nPermitOpen *:2222\n');
    expect(text).toContain('\nMatch LocalAddress 127.77.0.1\n  SetEnv HOME=/f/home/node1\n');
    const client = renderSshConfig({
      port: 2222,
      user: 'root',
      nodes: [node],
      identityFile: '/f/id',
      knownHosts: '/f/kh',
    });
    expect(client).toContain('Host node1\n  HostName 127.77.0.1\n');
    expect(client).toContain('  KexAlgorithms curve25519-sha256\n');
    expect(client).toContain('  StrictHostKeyChecking yes\n  UserKnownHostsFile /f/kh\n');
  });

  it('has one error class with stable codes', () => {
    const e = new FleetError('ERR_FLEET_DIR', 'x');
    expect(isFleetError(e)).toBe(true);
    expect(isFleetError(new Error('x'))).toBe(false);
    expect(e.name).toBe('FleetError');
  });
});
