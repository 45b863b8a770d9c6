/**
 * Queries written once, run twice: source logic is written as generators that yield the upcalls
 * they need and receive their output, so that the same code serves the synchronous resolver
 * methods (for the NodeSet parser) and their asynchronous twins.
 *
 * @module
 */

import type { UpcallRequest } from './upcall-runner.js';

/** A computation that may need upcalls: it yields requests and is resumed with their output. */
export type Query<T> = Generator<UpcallRequest, T, string>;

/**
 * Runs a query, answering its upcalls synchronously.
 *
 * @param query - the query
 * @param run - runs one upcall
 * @returns the query's result
 * @throws whatever the query or an upcall throws
 */
export function runQuerySync<T>(query: Query<T>, run: (req: UpcallRequest) => string): T {
  let step = query.next();
  while (!step.done) {
    let output: string;
    try {
      output = run(step.value);
    } catch (e) {
      step = query.throw(e);
      continue;
    }
    step = query.next(output);
  }
  return step.value;
}

/**
 * Runs a query, answering its upcalls asynchronously.
 *
 * @param query - the query
 * @param run - runs one upcall
 * @returns the query's result
 * @throws whatever the query or an upcall throws (as a rejection)
 */
export async function runQueryAsync<T>(
  query: Query<T>,
  run: (req: UpcallRequest) => Promise<string>,
): Promise<T> {
  let step = query.next();
  while (!step.done) {
    let output: string;
    try {
      output = await run(step.value);
    } catch (e) {
      step = query.throw(e);
      continue;
    }
    step = query.next(output);
  }
  return step.value;
}

/**
 * A query that needs no upcall: it computes its value when run.
 *
 * @param compute - computes the value (may throw)
 * @returns the query
 */
// biome-ignore lint/correctness/useYield: a query that needs no upcall yields nothing
export function* immediate<T>(compute: () => T): Query<T> {
  return compute();
}
