/**
 * Engine overhead without processes (ours only; the process-bound comparisons with ClusterShell
 * are in packages/task/bench):
 * - line splitting: 100,000 lines of 60 bytes pushed in 64 KiB chunks through a client's reader,
 *   a read event each;
 * - scheduling: 10,000 scripted clients at fanout 64, each started, fed one line and ended.
 *
 * Run: cd packages/engine && pnpm bench
 */
import { Buffer } from 'node:buffer';
import { bench, describe } from 'vitest';
import { Engine, EngineClient, type EngineClientOptions, Worker } from '../src/index.js';

class PushClient extends EngineClient {
  readonly #chunks: readonly Buffer[];

  constructor(
    worker: Worker,
    key: string,
    chunks: readonly Buffer[],
    options?: EngineClientOptions,
  ) {
    super(worker, key, options);
    this.#chunks = chunks;
  }

  protected _start(): void {
    this.worker.emitPickup(this.key);
    this.openReader('stdout');
    // end later, as a process would: the engine then starts the next client
    queueMicrotask(
      this.guarded(() => {
        for (const chunk of this.#chunks) this.feed('stdout', chunk);
        this.endReader('stdout');
      }),
    );
  }

  protected _close(abort: boolean): void {
    if (!abort) this.worker.emitHup(this.key, 0);
    (this.worker as PushWorker).done();
  }
}

class PushWorker extends Worker {
  readonly #clients: PushClient[];
  #done = 0;

  constructor(keys: number, chunks: readonly Buffer[], onRead: () => void) {
    super({ onRead });
    this.#clients = Array.from({ length: keys }, (_, i) => new PushClient(this, `n${i}`, chunks));
  }

  get clients(): readonly EngineClient[] {
    return this.#clients;
  }

  done(): void {
    this.#done += 1;
    if (this.#done === this.#clients.length) this.emitClose(false);
  }
}

const LINE = Buffer.from(`${'x'.repeat(59)}\n`);
const TEXT = Buffer.concat(Array.from({ length: 100_000 }, () => LINE));
const CHUNKS: Buffer[] = [];
for (let o = 0; o < TEXT.length; o += 65536) CHUNKS.push(TEXT.subarray(o, o + 65536));

describe('engine', () => {
  bench(
    '100,000 lines in 64 KiB chunks, a read event each',
    async () => {
      let n = 0;
      const engine = new Engine();
      engine.schedule(new PushWorker(1, CHUNKS, () => (n += 1)));
      await engine.run();
      if (n !== 100_000) throw new Error(`${n} lines`);
    },
    { time: 1000 },
  );
  bench(
    '10,000 clients at fanout 64, one line each',
    async () => {
      let n = 0;
      const engine = new Engine({ fanout: 64 });
      engine.schedule(new PushWorker(10_000, [LINE], () => (n += 1)));
      await engine.run();
      if (n !== 10_000) throw new Error(`${n} lines`);
    },
    { time: 1000 },
  );
});
