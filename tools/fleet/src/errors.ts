/**
 * Errors raised by `@cluster-task/fleet`.
 *
 * @module
 */

/**
 * Stable codes of the errors of `@cluster-task/fleet`.
 *
 * - `ERR_FLEET_OPTION`: a bad option (node count, port, instance size).
 * - `ERR_FLEET_SSHD_MISSING`: no OpenSSH `sshd` or `ssh-keygen` (run `tools/setup.sh`).
 * - `ERR_FLEET_SSHD_FAILED`: an `sshd` instance exited or never became ready.
 * - `ERR_FLEET_PORT_IN_USE`: the requested port is taken on one of the fleet's addresses.
 * - `ERR_FLEET_DIR`: the fleet directory holds files that are not a fleet's.
 * - `ERR_FLEET_LOCKED`: another process held the fleet directory's lock for too long.
 * - `ERR_FLEET_UNKNOWN_NODE`: a node name that is not one of the fleet's.
 * - `ERR_FLEET_NOT_RUNNING`: no running fleet in the directory, or the fleet was stopped.
 *
 * @category Errors
 * @example
 * ```ts
 * const code: FleetErrorCode = 'ERR_FLEET_PORT_IN_USE';
 * ```
 */
export type FleetErrorCode =
  | 'ERR_FLEET_OPTION'
  | 'ERR_FLEET_SSHD_MISSING'
  | 'ERR_FLEET_SSHD_FAILED'
  | 'ERR_FLEET_PORT_IN_USE'
  | 'ERR_FLEET_DIR'
  | 'ERR_FLEET_LOCKED'
  | 'ERR_FLEET_UNKNOWN_NODE'
  | 'ERR_FLEET_NOT_RUNNING';

/**
 * The one error class of `@cluster-task/fleet`; {@link FleetError.code} tells the cases apart.
 *
 * @category Errors
 * @example
 * ```ts
 * try { await startFleet({ nodes: 0 }); } catch (e) { if (isFleetError(e)) console.log(e.code); }
 * ```
 */
export class FleetError extends Error {
  override readonly name = 'FleetError';
  /** Stable error code. */
  readonly code: FleetErrorCode;

  /**
   * @param code - the stable code
   * @param message - what went wrong, for humans
   * @param options - the underlying error, if any
   */
  constructor(code: FleetErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Tells whether a value is a {@link FleetError}, by its `code` (works across package copies).
 *
 * @param value - anything caught
 * @returns `true` when `value` is an Error whose `code` starts with `ERR_FLEET_`
 * @example
 * ```ts
 * try { fleet.addressOf('nodeX'); } catch (e) { isFleetError(e); } // true
 * ```
 */
export function isFleetError(value: unknown): value is FleetError {
  if (!(value instanceof Error)) return false;
  const code: unknown = (value as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('ERR_FLEET_');
}
