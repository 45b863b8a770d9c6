/**
 * `@cluster-task/cli`: the command-line tools of cluster-task. `nodeset`, `cluset` and `clubak`
 * behave as ClusterShell 1.9.1's; `nodesetMain()` and `clubakMain()` run them in-process.
 *
 * @module
 */

export { clubakMain } from './clubak-cli.js';
export type { CliErrorCode, PythonErrorKind } from './errors.js';
export {
  CliError,
  CliOutputError,
  CliPythonError,
  CliSeparatorError,
  CliUsageError,
  isCliError,
} from './errors.js';
export type { CliIo } from './nodeset-cli.js';
export { nodesetMain } from './nodeset-cli.js';
