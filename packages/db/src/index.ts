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
  OPEN_PIXEL_PATH,
  recordEmailOpen,
  recordLinkClick,
  TRACKED_LINK_PATH,
  type TrackedLink,
  type TrackedOpen,
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
export {
  bindIdempotencyKey,
  claimIdempotencyKey,
  findIdempotentRecord,
  type IdempotencyClaim,
} from './intake/idempotency-keys.js';
export {
  type ImportJob,
  type ImportJobStatus,
  ImportJobStore,
  type ImportProgress,
} from './intake/import-job-store.js';
export { ImportMappingStore, type RememberedMapping } from './intake/import-mapping-store.js';
export {
  APP_EXPORT_FORMAT,
  APP_EXPORT_FORMAT_VERSION,
  type AppExport,
  readAppImport,
} from './metadata/app-exchange.js';
export {
  type AppDiff,
  AppHistory,
  type DocumentRef,
  type HistoryWriteOptions,
  type HistoryWriteResult,
  type ResolvedRef,
  type VersionDetail,
} from './metadata/app-history.js';
export {
  AppStore,
  type AppSummary,
  type AppVersion,
  type PlanOptions,
  type PlanResult,
  type PublishOptions,
} from './metadata/app-store.js';
export { archivedUsagePaths, validateDraft } from './metadata/draft-validation.js';
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
export {
  compatibleChange,
  type PlanUsage,
  plannedChanges,
  planUsages,
  type UsageChange,
} from './planner/plan-usages.js';
export { convertStoredValue } from './planner/value-conversion.js';
export { BatchCarry, StaleCarryError } from './records/batch-carry.js';
export { compileFilter, filterFields } from './records/filter-sql.js';
export { computeFormula } from './records/formula.js';
export type { MatchedRecord } from './records/record-batch.js';
export {
  type BulkCreateOptions,
  type BulkRecord,
  CheckedCreate,
  RecordBulkWriter,
} from './records/record-bulk-writer.js';
export { gateFor, OPEN_GATE, RECORD_ALIAS, type RecordGate } from './records/record-gate.js';
export { newRecordId } from './records/record-id.js';
export {
  type Actor,
  DUPLICATE_STATUSES,
  type DuplicateLink,
  type DuplicatePage,
  type DuplicateStatus,
  EXACT_COUNT_LIMIT,
  EXPORT_ROW_LIMIT,
  type ListOptions,
  type MergeFieldPreview,
  type MergePreview,
  type MergeRequest,
  type MergeResult,
  type MergeSource,
  type PreparedExport,
  type RecordPage,
  RecordRepository,
  type ReferenceCount,
  type RelatedOptions,
  type RelatedRecordList,
} from './records/record-repository.js';
export type { RecordJson } from './records/row-mapping.js';
export { refineStatistics, statisticsSettled } from './records/table-statistics.js';
export { type DemoRunOptions, type DemoRunResult, writeDemoData } from './templates/demo-data-writer.js';
export { type TemplateBase, TemplateBaseStore } from './templates/template-base-store.js';
export {
  type InstalledTemplate,
  TemplateInstaller,
  type TemplateInstallResult,
  type TemplateRunOptions,
  type TemplateUpgradeResult,
} from './templates/template-installer.js';
export { type SavedView, SavedViewStore } from './views/saved-view-store.js';
export { type FieldChange, type FieldChangeQuery, listFieldChanges } from './workflow/field-change-log.js';
export {
  type ConversionCaller,
  type ConversionResult,
  type ConvertedTarget,
  convertRecord,
} from './workflow/record-conversion.js';
export {
  BUILT_IN_EVENT_TYPES,
  listRecordEvents,
  postRecordEvent,
  recordBehaviourEvent,
  type StoredRecordEvent,
} from './workflow/record-event-store.js';
export { type Claimant, type ClaimResult, claimRecord, poolStatus } from './workflow/record-pool.js';
export { liveScore, type RecordScore, scoreRecords, scoringSpec } from './workflow/record-scoring.js';
