/**
 * Benchmarks of config loading and group lookups (no upcall process is timed: those cost what
 * the command costs). Run with `pnpm vitest bench --run --project groups`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, bench, describe } from 'vitest';
import { GroupResolverConfig } from '../src/index.js';
import { IniConfig } from '../src/internal/ini-parser.js';

const root = mkdtempSync(join(tmpdir(), 'ct-groups-bench-'));
mkdirSync(join(root, 'conf.d'));
mkdirSync(join(root, 'auto'));
const sections = Array.from(
  { length: 200 },
  (_, i) => `[src${i}]\nmap: echo n$GROUP\nlist: echo a b c\n  d e\n# comment\ncache_time: 60\n`,
).join('\n');
writeFileSync(
  join(root, 'groups.conf'),
  `[Main]\ndefault: yaml\nconfdir: $CFGDIR/conf.d\nautodir: $CFGDIR/auto\n${sections}`,
);
for (let f = 0; f < 20; f++) {
  writeFileSync(join(root, 'conf.d', `${f}.conf`), `[c${f}a,c${f}b]\nmap: echo $GROUP\n`);
}
const groups = Array.from({ length: 500 }, (_, i) => `  g${i}: node[${i * 10}-${i * 10 + 9}]`).join(
  '\n',
);
writeFileSync(join(root, 'auto', 'groups.yaml'), `yaml:\n${groups}\n`);
const file = join(root, 'groups.conf');
const warm = GroupResolverConfig.load({ groupsConf: file });
warm.sources();

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('groups', () => {
  bench('parse a groups.conf of 200 sections', () => {
    new IniConfig().read(sections, 'groups.conf');
  });
  bench('load groups.conf + 20 confdir files + a 500-group YAML file', () => {
    GroupResolverConfig.load({ groupsConf: file }).sources();
  });
  bench('groupNodes from YAML (x500)', () => {
    for (let i = 0; i < 500; i++) warm.groupNodes(`g${i}`);
  });
  bench('nodeGroups by mapping 500 YAML groups', () => {
    warm.nodeGroups('node4321');
  });
});
