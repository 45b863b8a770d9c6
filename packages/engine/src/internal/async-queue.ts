/**
 * An unbounded push queue consumed as an async iterator: producers `push()` synchronously (from
 * event handlers), one consumer pulls with `for await`. Used for the event streams.
 *
 * @module
 */

interface Waiter<T> {
  resolve(result: IteratorResult<T, undefined>): void;
  reject(error: unknown): void;
}

/** A single-consumer async queue. */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  #items: T[] = [];
  #head = 0;
  #waiter: Waiter<T> | undefined;
  #done = false;
  #error: { readonly error: unknown } | undefined;
  readonly #onReturn: (() => void) | undefined;

  /**
   * @param onReturn - called once when the consumer stops early (`break`) or the queue ends
   */
  constructor(onReturn?: () => void) {
    this.#onReturn = onReturn;
  }

  /** True once ended (by `end`, `fail` or the consumer's `return`). */
  get done(): boolean {
    return this.#done;
  }

  /**
   * Adds an item (ignored once ended).
   *
   * @param item - the item
   */
  push(item: T): void {
    if (this.#done) return;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter.resolve({ value: item, done: false });
      return;
    }
    this.#items.push(item);
  }

  /** Ends the queue: the consumer gets the remaining items, then the end. */
  end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#onReturn?.();
    const waiter = this.#waiter;
    if (waiter !== undefined && this.#head >= this.#items.length) {
      this.#waiter = undefined;
      waiter.resolve({ value: undefined, done: true });
    }
  }

  /**
   * Ends the queue with an error, thrown to the consumer after the remaining items.
   *
   * @param error - the error
   */
  fail(error: unknown): void {
    if (this.#done) return;
    this.#error = { error };
    this.end();
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter.reject(error);
    }
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#head < this.#items.length) {
      const value = this.#items[this.#head] as T;
      this.#items[this.#head] = undefined as T;
      this.#head += 1;
      if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items = this.#items.slice(this.#head);
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#done) {
      const error = this.#error;
      if (error !== undefined) {
        this.#error = undefined;
        return Promise.reject(error.error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T, undefined>> {
    this.#items = [];
    this.#head = 0;
    this.#error = undefined;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
