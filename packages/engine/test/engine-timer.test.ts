import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Engine,
  EngineArgumentError,
  EngineIllegalOperationError,
  EngineTimer,
} from '../src/index.js';
import { ScriptWorker } from './fixtures/workers.js';

/** Runs the engine under fake timers until its run settles. */
async function runFor(engine: Engine, ms: number): Promise<void> {
  const done = engine.run();
  await vi.advanceTimersByTimeAsync(ms);
  await done;
}

describe('EngineTimer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires once after its delay, then is invalid', async () => {
    const engine = new Engine();
    const fired: number[] = [];
    const timer = new EngineTimer(0.5, () => fired.push(performance.now()));
    const t0 = performance.now();
    engine.addTimer(timer);
    expect(timer.isValid()).toBe(true);
    await runFor(engine, 1000);
    expect(fired.map((t) => t - t0)).toEqual([500]);
    expect(timer.isValid()).toBe(false);
  });

  it('fires two timers with the same date, and ten immediate ones', async () => {
    const engine = new Engine();
    let count = 0;
    const handler = { onTimer: () => (count += 1) };
    engine.addTimer(new EngineTimer(0.5, handler));
    engine.addTimer(new EngineTimer(0.5, handler));
    for (let i = 0; i < 10; i++) engine.addTimer(new EngineTimer(0, handler));
    await runFor(engine, 600);
    expect(count).toBe(12);
  });

  it('repeats at its interval from the previous fire date, without drift', async () => {
    const engine = new Engine();
    const t0 = performance.now();
    const dates: number[] = [];
    const timer = new EngineTimer(
      0.5,
      (t) => {
        dates.push(performance.now() - t0);
        vi.advanceTimersByTime(70); // a slow handler
        if (dates.length === 4) t.invalidate();
      },
      { interval: 0.2 },
    );
    engine.addTimer(timer);
    await runFor(engine, 2000);
    expect(dates).toEqual([500, 700, 900, 1100]);
  });

  it('re-arms from its own handler with setNextFire (which resets the interval)', async () => {
    const engine = new Engine();
    let count = 0;
    const timer = new EngineTimer(
      0.5,
      (t) => {
        count += 1;
        t.setNextFire(0.2);
        if (count > 4) t.invalidate();
      },
      { interval: 0.2 },
    );
    engine.addTimer(timer);
    await runFor(engine, 3000);
    expect(count).toBe(5);
    timer.invalidate(); // twice: no effect
    expect(() => timer.setNextFire(1)).toThrow(EngineIllegalOperationError);
    expect(() => timer.setNextFire(1)).toThrow('Operation on invalid timer.');
  });

  it('can be invalidated in its handler, or by another handler', async () => {
    const engine = new Engine();
    let a = 0;
    let b = 0;
    const ta = new EngineTimer(
      1,
      (t) => {
        a += 1;
        t.invalidate();
      },
      { interval: 0.5 },
    );
    const tb = new EngineTimer(5, () => (b += 1), { interval: 0.5 });
    engine.addTimer(ta);
    engine.addTimer(tb);
    engine.addTimer(new EngineTimer(2, () => tb.invalidate()));
    await runFor(engine, 10_000);
    expect(a).toBe(1);
    expect(b).toBe(0);
  });

  it('does not fire a timer invalidated by another one of the same date', async () => {
    const engine = new Engine();
    let count = 0;
    const timers: EngineTimer[] = [];
    const handler = () => {
      count += 1;
      for (const t of timers) t.invalidate();
    };
    timers.push(new EngineTimer(0.5, handler, { interval: 0.5 }));
    timers.push(new EngineTimer(0.5, handler, { interval: 0.5 }));
    for (const t of timers) engine.addTimer(t);
    await runFor(engine, 2000);
    expect(count).toBe(1);
  });

  it('reschedules from another handler with setNextFire', async () => {
    const engine = new Engine();
    const worker = new ScriptWorker(['a']);
    let fired = 0;
    const timer = new EngineTimer(10, () => (fired += 1), { interval: 0.5 });
    worker.handler = {
      onPickup: () => setTimeout(() => worker.client('a').finish(), 1000),
      onClose: () => timer.setNextFire(0.5),
    };
    engine.schedule(worker);
    engine.addTimer(timer);
    await runFor(engine, 3000);
    expect(fired).toBe(1);
  });

  it('lets an autoclose timer die with the run', async () => {
    const engine = new Engine();
    let count = 0;
    engine.addTimer(new EngineTimer(10, () => (count += 1), { autoclose: true }));
    await runFor(engine, 0);
    expect(count).toBe(0);
    const ac = new EngineTimer(10, () => (count += 1), { autoclose: true });
    engine.addTimer(ac);
    engine.addTimer(new EngineTimer(1, () => (count += 100)));
    await runFor(engine, 2000);
    expect(count).toBe(100);
    expect(ac.isValid()).toBe(false);
  });

  it('fires only while the engine runs: a timer due before run() fires at its start', async () => {
    const engine = new Engine();
    let count = 0;
    engine.addTimer(new EngineTimer(0.1, () => (count += 1)));
    await vi.advanceTimersByTimeAsync(500);
    expect(count).toBe(0);
    await runFor(engine, 0);
    expect(count).toBe(1);
  });

  it('rejects a negative delay and a second engine', () => {
    expect(() => new EngineTimer(-1, () => {})).toThrow(EngineArgumentError);
    const timer = new EngineTimer(1, () => {});
    new Engine().addTimer(timer);
    expect(() => new Engine().addTimer(timer)).toThrow(EngineIllegalOperationError);
  });

  it('keeps the run alive while armed and yields timer events', async () => {
    const engine = new Engine();
    const timer = new EngineTimer(1, () => {});
    engine.addTimer(timer);
    const events = engine.events();
    await runFor(engine, 1500);
    const seen: string[] = [];
    for await (const ev of events)
      seen.push(ev.type === 'timer' && ev.timer === timer ? 'mine' : ev.type);
    expect(seen).toEqual(['mine']);
  });
});
