/**
 * Node names and their loopback addresses: `nodeK` ↔ `127.77.H.L`, with `L` in 1…254 (no `.0` or
 * `.255` last octet), so node1 is 127.77.0.1, node254 127.77.0.254, node255 127.77.1.1.
 *
 * @module
 */

/** The first two octets of every fleet address. */
export const ADDRESS_PREFIX = '127.77';

/** Addresses per third octet (last octet 1…254). */
const PER_BLOCK = 254;

/** How many nodes the address plan can hold (third octet 0…255). */
export const MAX_NODES = PER_BLOCK * 256;

/**
 * The address of the node of 1-based index `index`.
 *
 * @param index - 1…MAX_NODES
 * @returns a dotted quad under 127.77.0.0/16
 */
export function addressOfIndex(index: number): string {
  const i = index - 1;
  return `${ADDRESS_PREFIX}.${Math.floor(i / PER_BLOCK)}.${(i % PER_BLOCK) + 1}`;
}

/**
 * The name of the node of 1-based index `index`.
 *
 * @param index - 1…MAX_NODES
 * @returns `node<index>`
 */
export function nodeName(index: number): string {
  return `node${index}`;
}

/**
 * The 1-based index of a node name, when it is of the form `node<K>` (no leading zero).
 *
 * @param name - a node name
 * @returns K, or `undefined` for any other name
 */
export function indexOfNode(name: string): number | undefined {
  const m = /^node([1-9][0-9]*)$/.exec(name);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/**
 * Whether a dotted quad lies in 127.0.0.0/8 (the only addresses the fleet ever listens on or dials).
 *
 * @param address - a dotted quad
 * @returns `true` for a well-formed loopback address
 */
export function isLoopback(address: string): boolean {
  const parts = address.split('.');
  return (
    parts.length === 4 &&
    parts[0] === '127' &&
    parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)
  );
}
