/**
 * A FIFO counting semaphore with abortable waits: bounds the channels open on one connection
 * (the server's `MaxSessions`).
 */
import { abortReason } from './error-adapter.js';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/** A counting semaphore. */
export class Semaphore {
  readonly #limit: number;
  #used = 0;
  readonly #waiters: Waiter[] = [];
  #failure: Error | undefined;

  /** @param limit - how many holders at once (at least 1) */
  constructor(limit: number) {
    this.#limit = Math.max(1, Math.floor(limit));
  }

  /** Holders now. */
  get used(): number {
    return this.#used;
  }

  /** Waiters now. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Waits for a slot.
   *
   * @param signal - aborts the wait
   * @returns when the slot is held (call {@link Semaphore.release} once)
   * @throws {Error} the abort reason, or the error given to {@link Semaphore.fail}
   */
  acquire(signal?: AbortSignal): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (signal?.aborted === true) return Promise.reject(abortReason(signal));
    if (this.#used < this.#limit && this.#waiters.length === 0) {
      this.#used++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.#waiters.indexOf(waiter);
          if (i >= 0) this.#waiters.splice(i, 1);
          reject(abortReason(signal as AbortSignal));
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Gives a slot back (to the oldest waiter, if any). */
  release(): void {
    const next = this.#waiters.shift();
    if (next !== undefined) {
      next.signal?.removeEventListener('abort', next.onAbort);
      next.resolve();
      return;
    }
    if (this.#used > 0) this.#used--;
  }

  /**
   * Rejects every waiter and every later acquire with `error`.
   *
   * @param error - why
   */
  fail(error: Error): void {
    this.#failure = error;
    for (const w of this.#waiters.splice(0)) {
      w.signal?.removeEventListener('abort', w.onAbort);
      w.reject(error);
    }
  }
}
