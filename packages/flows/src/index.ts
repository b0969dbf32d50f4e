export { type FlowEffect, type FlowEffectKind, LOCAL_EFFECTS, type SecretRef } from './flow-effects.js';
export {
  branchOf,
  checkFlows,
  type FlowIssue,
  parentBranch,
  successors,
  triggerEntityOf,
} from './flow-graph.js';
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
export { type MailLink, rewriteLinks } from './link-rewrite.js';
export { DEFAULT_RETRY, durationMs, type RetryPolicy, retryAt, retryPolicy } from './retry-policy.js';
export { renderJson, renderTemplate } from './template-render.js';
export {
  cronIssue,
  dateTriggerDue,
  dateTriggerHolds,
  type LinkClickEvent,
  listensTo,
  matchesLinkClick,
  matchesRecordEvent,
  matchesStoredEvent,
  nextCronRun,
  type RecordEvent,
  type StoredEvent,
} from './trigger-match.js';
