#!/usr/bin/env node
// Checks the shape of the repository that no compiler or linter checks (docs/architecture.md):
// - each package's tsconfig references mirror its workspace dependencies;
// - a package imports only itself, node: built-ins and its declared dependencies;
// - @cluster-task/nodeset and @cluster-task/msgtree have no runtime dependency at all;
// - only @cluster-task/cli (and tools) may write to the console;
// - every package has the files STYLE.md asks for, and one public entry.
// Prints each problem and exits 1 when there is any.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const problems = [];
const fail = (msg) => problems.push(msg);

const NO_DEPENDENCY = new Set([
  '@cluster-task/nodeset',
  '@cluster-task/msgtree',
  '@cluster-task/engine',
]);
const MAY_PRINT = new Set(['@cluster-task/cli']);
const REQUIRED = [
  'src/index.ts',
  'README.md',
  'package.json',
  'tsconfig.json',
  'test/tsconfig.json',
  'vitest.config.ts',
];

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function* sourceFiles(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

const packagesDir = join(root, 'packages');
const packages = readdirSync(packagesDir)
  .map((d) => join(packagesDir, d))
  .filter((d) => existsSync(join(d, 'package.json')));
const names = new Map(packages.map((d) => [readJson(join(d, 'package.json')).name, d]));

for (const dir of packages) {
  const pkg = readJson(join(dir, 'package.json'));
  const where = relative(root, dir);
  for (const f of REQUIRED) if (!existsSync(join(dir, f))) fail(`${where}: missing ${f}`);
  const deps = Object.keys(pkg.dependencies ?? {});
  const internal = deps.filter((d) => names.has(d));

  if (NO_DEPENDENCY.has(pkg.name) && deps.length > 0) {
    fail(`${where}: ${pkg.name} must have no runtime dependency, has ${deps.join(', ')}`);
  }
  for (const d of internal) {
    if (pkg.dependencies[d] !== 'workspace:^') fail(`${where}: ${d} must be "workspace:^"`);
  }

  // tsconfig references mirror workspace dependencies
  const tsconfig = readJson(join(dir, 'tsconfig.json'));
  const refs = (tsconfig.references ?? []).map((r) => join(dir, r.path));
  const expected = internal.map((d) => names.get(d));
  const sortRel = (xs) => xs.map((x) => relative(root, x)).sort();
  if (JSON.stringify(sortRel(refs)) !== JSON.stringify(sortRel(expected))) {
    fail(
      `${where}/tsconfig.json: references [${sortRel(refs).join(', ')}] do not mirror its workspace dependencies [${sortRel(expected).join(', ')}]`,
    );
  }

  // imports: itself, node: built-ins, declared dependencies
  for (const file of sourceFiles(join(dir, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    )) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('.') || spec.startsWith('node:')) continue;
      const base = spec.startsWith('@')
        ? spec.split('/').slice(0, 2).join('/')
        : spec.split('/')[0];
      if (base === pkg.name) continue;
      if (!deps.includes(base))
        fail(`${relative(root, file)}: imports ${spec}, which is not a dependency of ${pkg.name}`);
    }
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    if (!MAY_PRINT.has(pkg.name) && /\bconsole\.(log|error|warn|info|debug)\(/.test(code)) {
      fail(
        `${relative(root, file)}: a library must not write to the console (only @cluster-task/cli prints)`,
      );
    }
  }
}

// the root solution references every package and its tests
const solution = readJson(join(root, 'tsconfig.json'));
const listed = new Set((solution.references ?? []).map((r) => r.path));
for (const dir of packages) {
  const rel = relative(root, dir);
  if (!listed.has(rel)) fail(`tsconfig.json: missing reference to ${rel}`);
  if (!listed.has(`${rel}/test`)) fail(`tsconfig.json: missing reference to ${rel}/test`);
}

if (problems.length > 0) {
  for (const p of problems) console.error(`check-repo: ${p}`);
  process.exit(1);
}
console.log(`check-repo: ${packages.length} packages checked, shape OK`);
