import { defineSearchAttributeKey } from '@temporalio/common';

/**
 * Search attributes the gateway's workflows set, so operators can filter in the Temporal Web UI,
 * e.g. `AgentId="billing-bot" AND ExecutionStatus="Running"`. Registered on the namespace at start-up
 * (dev server) or by `aegis migrate` (a cluster).
 */
export const OrgId = defineSearchAttributeKey('AegisOrgId', 'KEYWORD');
export const AgentId = defineSearchAttributeKey('AgentId', 'KEYWORD');
export const ToolName = defineSearchAttributeKey('ToolName', 'KEYWORD');
export const RiskLevel = defineSearchAttributeKey('RiskLevel', 'KEYWORD');
export const CheckStatus = defineSearchAttributeKey('CheckStatus', 'KEYWORD');

export const SEARCH_ATTRIBUTES = [OrgId, AgentId, ToolName, RiskLevel, CheckStatus] as const;
