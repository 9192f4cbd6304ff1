/**
 * Every workflow the gateway's worker runs. This folder is bundled for Temporal's deterministic
 * sandbox: it may import only @temporalio/workflow, @temporalio/common and activity *types*.
 */
export { probe } from './probe.js';
export { pendingCheck } from './pending-check.js';
