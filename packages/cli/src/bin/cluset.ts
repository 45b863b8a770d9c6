#!/usr/bin/env node
/**
 * The `cluset` command: the same tool as `nodeset` under ClusterShell's other name.
 *
 * @module
 */

import { runBin } from '../internal/bin-runner.js';

runBin('cluset');
