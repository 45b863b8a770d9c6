import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPackages } from '../../engine/test/fixtures/thread-build.js';

// The job runs in a plain Node process: its descriptors and children are counted without
// vitest's, and its forks are cheaper than from vitest's (bigger) worker process.
// 10,000 commands take 45-60 s on a loaded 2-core VM, so the suite runs 4,000 by default;
// CT_LEAK_COMMANDS=10000 runs the full size of the issue.
const TOTAL = Number(process.env.CT_LEAK_COMMANDS ?? 4000);
const EXEC = Math.round(TOTAL * 0.8);
const LOCAL = TOTAL - EXEC;

describe('resources', () => {
  const build = buildPackages(['engine', 'msgtree', 'nodeset', 'workers', 'task']);
  const job = join(build.root, 'leak-job.mjs');
  copyFileSync(fileURLToPath(new URL('./fixtures/leak-job.mjs', import.meta.url)), job);
  afterAll(() => build.cleanup());

  it(`runs ${TOTAL} local commands in one task without leaking a descriptor or a process`, async () => {
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn(process.execPath, [job, String(TOTAL)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let text = '';
      p.stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
      p.once('error', reject);
      p.once('exit', (code) =>
        code === 0 ? resolve(text) : reject(new Error(`job exited ${code}`)),
      );
    });
    const r = JSON.parse(out) as {
      before: { fds: number; children: number };
      after: { fds: number; children: number };
      hups: number;
      peak: number;
      timeouts: number;
      gathered: string[];
      maxRc: number;
    };
    expect(r.hups).toBe(EXEC);
    expect(r.timeouts).toBe(Math.ceil(LOCAL / 10));
    expect(r.maxRc).toBe(0);
    expect(r.gathered).toEqual(['n1', `n${EXEC}`]);
    expect(r.peak).toBeGreaterThan(0);
    expect(r.peak).toBeLessThanOrEqual(64);
    expect(r.after).toEqual(r.before);
  }, 180_000);
});
