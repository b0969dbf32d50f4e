export { createAjv, issuesFromAjv } from './document/ajv-instance.js';
export {
  type AppDocument,
  AppDocumentSchema,
  CURRENT_SCHEMA_VERSION,
} from './document/app-document-schema.js';
export {
  type AutoNumberPattern,
  autoNumberPeriod,
  formatAutoNumber,
  parseAutoNumberPattern,
} from './document/auto-number-pattern.js';
export {
  CAPTURE_TRANSFORMS,
  type CaptureAuth,
  CaptureAuthSchema,
  type CaptureHook,
  CaptureHookSchema,
  type CaptureIdempotency,
  type CaptureMapping,
  type CaptureTransform,
  type CaptureTransformName,
  JsonPointerSchema,
} from './document/capture-hook-schema.js';
export { captureHookIssues, NOT_CAPTURED_TYPES } from './document/capture-hook-semantics.js';
export {
  type ChangeCount,
  DIFF_KINDS,
  type DiffKind,
  type DocumentChange,
  type DocumentDiff,
  diffDocuments,
  type PropertyChange,
  summarizeChanges,
} from './document/document-diff.js';
export {
  DUPLICATE_MATCHES,
  type DuplicateMatch,
  type DuplicateRule,
  DuplicateRuleSchema,
  type Entity,
  EntitySchema,
  type RelatedList,
  RelatedListSchema,
  type SortKey,
} from './document/entity-schema.js';
export { DUPLICATE_MATCH_TYPES } from './document/entity-semantics.js';
export {
  FIELD_TYPES,
  type Field,
  type FieldOf,
  FieldSchema,
  FieldSchemas,
  type FieldType,
  type SelectOption,
} from './document/field-schema.js';
export {
  type DocumentReference,
  documentReferences,
  type FieldUsage,
  fieldUsages,
  type ReferenceTarget,
  USAGE_COLLECTORS,
  USAGE_KINDS,
  USAGE_OWNERS,
  type UsageKind,
  type UsageOwnerKind,
  type UsageSubject,
} from './document/field-usages.js';
export {
  type Flow,
  type FlowNode,
  FlowNodeIdSchema,
  type FlowNodeKind,
  FlowNodeSchema,
  FlowSchema,
  type FlowTrigger,
  FlowTriggerSchema,
} from './document/flow-schema.js';
export {
  FORM_KINDS,
  FORM_WIDGETS,
  type Form,
  type FormAttribution,
  FormAttributionSchema,
  type FormDataLinkage,
  FormDataLinkageSchema,
  type FormFieldNode,
  type FormKind,
  type FormLinkageRule,
  FormLinkageRuleSchema,
  type FormNode,
  FormNodeIdSchema,
  FormNodeSchema,
  type FormPublic,
  FormPublicSchema,
  FormSchema,
  type FormSectionNode,
  type FormTabsNode,
  type FormValidationRule,
  FormValidationRuleSchema,
  type FormWidget,
  LINKAGE_ACTIONS,
} from './document/form-schema.js';
export { AppKeySchema, KeySchema, StableIdSchema, SYSTEM_KEYS, type SystemKey } from './document/ids.js';
export { type Label, LabelSchema, type Text } from './document/label.js';
export { LOCALES, type Locale, labelFor } from './document/label-text.js';
export { physicalNames, SYSTEM_COLUMNS } from './document/physical-names.js';
export {
  type Conversion,
  ConversionSchema,
  type EntityScoring,
  EntityScoringSchema,
  type RecordPool,
  RecordPoolSchema,
  ScoringModelSchema,
} from './document/record-workflow-schema.js';
export {
  type EntityGrant,
  EntityGrantSchema,
  FIELD_ACCESS,
  type FieldAccess,
  RECORD_ACTIONS,
  type RecordAction,
  ROW_SCOPES,
  type Role,
  RoleSchema,
  type RowScope,
} from './document/role-schema.js';
export { UPGRADES, upgradeDocument } from './document/upgrade-document.js';
export { type DocumentValidation, validateAppDocument } from './document/validate-document.js';
export { pointer, pointerSegment, type ValidationIssue } from './document/validation-error.js';
export {
  DougongError,
  ERROR_CATALOGUE,
  type ErrorCode,
  type ErrorDetail,
  isDougongError,
} from './errors/error-catalogue.js';
export type { FieldTypeSpec, ValueCheck, ValueContext, ValueKind } from './fields/field-type-spec.js';
export {
  checkFieldValue,
  columnTypeOf,
  FIELD_TYPE_REGISTRY,
  fieldSpec,
  numericShape,
  valueKindOf,
} from './fields/field-types.js';
export { isSortable } from './fields/sortable.js';
export { type AppModel, appModel, type ColumnInfo, type EntityModel } from './model/app-model.js';
export { duplicateKey, duplicateKeys, matchValue } from './model/duplicate-keys.js';
export {
  type RecordInput,
  type RecordValidationOptions,
  validateRecordInput,
} from './model/validate-record.js';
export { normalizeCompanyName } from './values/company-name.js';
export {
  dateInZone,
  formatInZone,
  isIsoDate,
  isValidTimeZone,
  parseIsoDatetime,
} from './values/date-value.js';
export { Dec, type DecValue, parseDecimal, roundDecimal } from './values/decimal-value.js';
export { normalizePhone, type PhoneKind } from './values/phone-value.js';
export { checkRegexSafety } from './values/regex-safety.js';
export { checkPayloadSafety, DEFAULT_PAYLOAD_LIMITS, type PayloadLimits } from './values/text-safety.js';
export { UUID_PATTERN } from './values/uuid.js';
