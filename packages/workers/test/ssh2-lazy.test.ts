/**
 * The exec path never loads the `ssh2` library: statically (no value import from the package
 * entry reaches it; only a dynamic import in ssh2-worker.ts does) and at run time (an ExecWorker
 * run leaves it unloaded; the first Ssh2Worker command loads it).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

interface Graph {
  /** Files reached by value imports, and the bare packages they import. */
  readonly files: Set<string>;
  readonly packages: Set<string>;
  /** Dynamic `import()` targets, by file. */
  readonly dynamic: Map<string, string[]>;
}

/** Follows the value imports (what the emitted JavaScript keeps) from an entry file. */
function valueImports(entry: string): Graph {
  const graph: Graph = { files: new Set(), packages: new Set(), dynamic: new Map() };
  const visit = (file: string): void => {
    if (graph.files.has(file)) return;
    graph.files.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
    const follow = (spec: string): void => {
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else graph.packages.add(spec);
    };
    const walk = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        // `import type` is erased; `import { type A }` is kept (verbatimModuleSyntax)
        if (node.importClause?.isTypeOnly !== true) follow(node.moduleSpecifier.text);
      } else if (
        ts.isExportDeclaration(node) &&
        node.moduleSpecifier !== undefined &&
        ts.isStringLiteral(node.moduleSpecifier)
      ) {
        if (!node.isTypeOnly) follow(node.moduleSpecifier.text);
      } else if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments[0] !== undefined &&
        ts.isStringLiteral(node.arguments[0])
      ) {
        graph.dynamic.set(file, [...(graph.dynamic.get(file) ?? []), node.arguments[0].text]);
      }
      ts.forEachChild(node, walk);
    };
    walk(source);
  };
  visit(entry);
  return graph;
}

function ssh2Loaded(): boolean {
  const cache = createRequire(import.meta.url).cache;
  return Object.keys(cache).some((k) => k.includes('/node_modules/ssh2/lib/'));
}

describe('the ssh2 library is loaded lazily', () => {
  it('no value import from the package entry reaches ssh2; ssh2-worker.ts imports it dynamically', () => {
    const graph = valueImports(resolve(SRC, 'index.ts'));
    expect(graph.packages.has('ssh2')).toBe(false);
    expect([...graph.files].some((f) => f.endsWith('/ssh2/connection.ts'))).toBe(false);
    expect(graph.files.has(resolve(SRC, 'ssh2-worker.ts'))).toBe(true);
    expect(graph.dynamic.get(resolve(SRC, 'ssh2-worker.ts'))).toEqual([
      './ssh2/internal/worker-runtime.js',
    ]);
    // while the runtime it loads, and the ./ssh2 entry, do reach it
    expect(valueImports(resolve(SRC, 'ssh2/internal/worker-runtime.ts')).packages.has('ssh2')).toBe(
      true,
    );
    expect(valueImports(resolve(SRC, 'ssh2/index.ts')).packages.has('ssh2')).toBe(true);
  });

  it('an exec run leaves ssh2 unloaded; the first ssh2 command loads it', async () => {
    expect(ssh2Loaded()).toBe(false);
    const { ExecWorker, Ssh2Worker, closeSsh2Connections, getWorkerClass } = await import(
      '../src/index.js'
    );
    const { RecordingHost } = await import('./fixtures/host.js');
    const host = new RecordingHost();
    const exec = new ExecWorker({ nodes: 'n[1-2]', command: 'echo %h' });
    await host.run(exec);
    expect(exec.nodeBuffer('n2')?.toString()).toBe('n2');
    expect(getWorkerClass('ssh2')).toBe(Ssh2Worker);
    expect(ssh2Loaded()).toBe(false);
    // no identity and port 1: it fails at once (no key, or refused), after loading the library
    host.infos.set('ssh_options', '-F /dev/null -p 1 -o StrictHostKeyChecking=no');
    const ssh2 = new Ssh2Worker({ nodes: '127.0.0.1', command: 'true' });
    await host.run(ssh2);
    await closeSsh2Connections(host.engine);
    expect(ssh2.nodeRetcode('127.0.0.1')).toBe(255);
    expect(ssh2.nodeFailure('127.0.0.1')?.code).toMatch(/^ERR_SSH_(CONNECT|AUTH)$/);
    expect(ssh2Loaded()).toBe(true);
  });
});
