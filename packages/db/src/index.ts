export {
  type DatabaseKind,
  type DougongDatabase,
  type OpenDatabaseOptions,
  openDatabase,
} from './dialect/open-database.js';
export { type FileInfo, FileStore, MAX_FILE_BYTES } from './files/file-store.js';
export type {
  EffectContext,
  ExternalPerformers,
} from './flows/effect-performer.js';
export {
  approvalsOf,
  inboxOf,
  listRuns,
  type RunSummary,
  runDetail,
  type StepDetail,
} from './flows/flow-queries.js';
export {
  FlowRuntime,
  type FlowRuntimeOptions,
  type SilentFlow,
  type WatchdogReport,
} from './flows/flow-runtime.js';
export { type SimulationResult, simulateFlow } from './flows/flow-simulator.js';
export { FlowTriggers } from './flows/flow-triggers.js';
export {
  LinkSigner,
  recordLinkClick,
  TRACKED_LINK_PATH,
  type TrackedLink,
} from './flows/link-tracker.js';
export { emitRecordEvent, type FlowCause, MAX_CAUSE_DEPTH } from './flows/record-events.js';
export { SecretBox } from './flows/secret-box.js';
export {
  type ApiKeyInfo,
  DEFAULT_SESSION_POLICY,
  type Department,
  IdentityStore,
  type SessionInfo,
  type SessionPolicy,
  type User,
  type UserGrants,
} from './identity/identity-store.js';
export { scopePredicate } from './identity/scope-sql.js';
export { AppStore, type AppSummary, type AppVersion, type PlanResult } from './metadata/app-store.js';
export { migrateSystem } from './migrations/migrate-system.js';
export { desiredIndexes, orderColumns } from './planner/index-plan.js';
export {
  type ArchivedState,
  NO_ARCHIVE,
  planMigration,
  valueAffectingChange,
} from './planner/migration-planner.js';
export { applyPlan, checkPlan, type PlanContext } from './planner/plan-executor.js';
export type {
  ColumnSpec,
  IndexSpec,
  MigrationPlan,
  PlanStep,
  StepCheck,
  StepText,
} from './planner/plan-types.js';
export { convertStoredValue } from './planner/value-conversion.js';
export { compileFilter, filterFields } from './records/filter-sql.js';
export { computeFormula } from './records/formula.js';
export { gateFor, OPEN_GATE, RECORD_ALIAS, type RecordGate } from './records/record-gate.js';
export {
  type Actor,
  EXACT_COUNT_LIMIT,
  EXPORT_ROW_LIMIT,
  type ListOptions,
  type PreparedExport,
  type RecordPage,
  RecordRepository,
} from './records/record-repository.js';
export type { RecordJson } from './records/row-mapping.js';
export { type SavedView, SavedViewStore } from './views/saved-view-store.js';
