#!/usr/bin/env node
/**
 * The `nodeset` command (ClusterShell 1.9.1 compatible).
 *
 * @module
 */

import { runBin } from '../internal/bin-runner.js';

runBin('nodeset');
