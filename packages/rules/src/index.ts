// @dougong/rules — the platform's rule language (JsonLogic + platform operations), its three
// backends (json-logic-js interpreter, compiled closures, SQL), its static checker, and the rule
// kinds built on it. Pure: no I/O, no node:* imports.

export type { CheckCode, CheckField, CheckIssue, CheckOptions } from './checker/check-types.js';
export { type FieldReferences, referencedFields } from './checker/referenced-fields.js';
export { checkRule } from './checker/rule-checker.js';
export { type CompiledRule, compileRule, evaluateRule } from './compiled/rule-compiler.js';
export { type CurrentUser, DEFAULT_TIME_ZONE, type EvalContext } from './core/eval-context.js';
export { FIELD_KINDS, type FieldKind } from './core/field-kind.js';
export { type JsonValue, type Rule, truthy } from './core/json-value.js';
export { RULE_ERROR_CODES, RuleError, type RuleErrorCode } from './core/rule-error.js';
export { DEFAULT_LIMITS, type RuleLimits } from './core/rule-limits.js';
export { isKnownOp, validateRule } from './core/rule-validator.js';
export { interpret } from './interpreter/json-logic-interpreter.js';
export {
  type AnalysisField,
  type AssignmentAnalysis,
  type AssignmentGap,
  analyzeAssignmentRules,
  type ShadowedRule,
} from './kinds/assignment-analysis.js';
export {
  type AssignmentFallback,
  type AssignmentResult,
  type AssignmentRule,
  type AssignmentRuleSet,
  type AssignmentState,
  type AssignmentStateChange,
  type AssignmentStrategy,
  type AssignmentTarget,
  type AssignOptions,
  assignOwner,
} from './kinds/assignment-rules.js';
export { describeCondition, type FieldLabel } from './kinds/condition-describer.js';
export {
  evaluateLinkage,
  type FieldState,
  type LinkageAction,
  type LinkageOptions,
  type LinkageResult,
  type LinkageRule,
} from './kinds/linkage-rules.js';
export type { Locale, LocalizedText } from './kinds/localized-text.js';
export {
  type AttributeCondition,
  type BehaviourCondition,
  type BehaviourEvent,
  type ScoreDecay,
  type ScoreLine,
  type ScoreResult,
  type ScoringModel,
  scoreRecord,
} from './kinds/scoring-model.js';
export { type ValidationFailure, type ValidationRule, validateRecord } from './kinds/validation-rules.js';
export type { RuleContextKind } from './ops/op-types.js';
export { isPlatformOp, PLATFORM_OPS, type PlatformOpName } from './ops/platform-ops.js';
export { compileRuleToSql } from './sql/sql-compiler.js';
export type { SqlCompileContext, SqlField } from './sql/sql-value.js';
