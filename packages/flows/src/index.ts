export { type FlowEffect, type FlowEffectKind, LOCAL_EFFECTS, type SecretRef } from './flow-effects.js';
export { branchOf, checkFlows, type FlowIssue, parentBranch, successors } from './flow-graph.js';
export {
  type ApprovalTask,
  finishStep,
  follow,
  type NextStep,
  needsEscalation,
  planStep,
  robotMessage,
  type StepInput,
  type StepPlan,
  type StepState,
  triggerEntity,
} from './flow-planner.js';
export { evaluate, type RunScope, readPointer } from './flow-scope.js';
export { DEFAULT_RETRY, type RetryPolicy, retryAt, retryPolicy } from './retry-policy.js';
export { renderJson, renderTemplate } from './template-render.js';
export {
  cronIssue,
  dateTriggerDue,
  dateTriggerHolds,
  listensTo,
  matchesRecordEvent,
  nextCronRun,
  type RecordEvent,
} from './trigger-match.js';
