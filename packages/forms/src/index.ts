// @dougong/forms — the form engine shared by the browser and the server: form metadata resolution,
// default forms, formulas, linkage, data linkage, validation identical to the server's, public forms.
// Pure: no I/O, no node:* imports; deterministic (the clock is injected).

export {
  type CaptureContext,
  type CaptureRequest,
  type CaptureResult,
  captureEntity,
  capturePayloadIssues,
  MAX_IDEMPOTENCY_KEY,
  mapCapturePayload,
  previewCapture,
  resolvePointer,
} from './capture-mapping.js';
export { type DataLinkageSource, dataLinkageSources } from './data-linkage.js';
export { defaultForm, formById, formFor } from './default-form.js';
export { checkFormRules, ruleCheckFields } from './form-checks.js';
export { createFormEngine } from './form-engine.js';
export { fieldNodes, mapFieldNodes } from './form-layout.js';
export { type LinkageStates, linkageFieldStates, linkageStates } from './form-state.js';
export type {
  DataLinkageOptions,
  FormContext,
  FormDefinition,
  FormEngine,
  FormEvaluation,
  FormFieldState,
  FormRow,
  FormValues,
  ValidateOptions,
} from './form-types.js';
export { computeFormula, computeFormulas } from './formula-values.js';
export { localizeMessage } from './issue-messages.js';
export {
  HONEYPOT_FIELD,
  type PublicFormDefinition,
  type PublicSubmission,
  type PublicSubmissionInput,
  publicFormDefinition,
  publicSubmission,
} from './public-form.js';
export { type RecordCheckOptions, recordPayloadIssues } from './record-check.js';
export { defaultValue, defaultValues } from './record-defaults.js';
export { type FormRuleOptions, formRuleIssues, formsInScope, mergedRecord } from './record-rules.js';
export { type FieldAccessSets, formForAccess } from './role-form.js';
export { optionDefaults, stageGateIssues, stageRequirements } from './stage-gates.js';
export { WIDGETS_BY_TYPE, widgetFor } from './widgets.js';
