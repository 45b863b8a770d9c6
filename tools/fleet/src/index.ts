export { FleetError, type FleetErrorCode, isFleetError } from './errors.js';
export {
  defaultFleetDir,
  type Fleet,
  type FleetOptions,
  type FleetStatus,
  fleetStatus,
  openFleet,
  startFleet,
  stopFleet,
} from './fleet.js';
