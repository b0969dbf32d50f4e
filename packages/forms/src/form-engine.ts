import type { EvalContext } from '@dougong/rules';
import {
  type AppDocument,
  appModel,
  type EntityModel,
  type Field,
  type ValidationIssue,
  validateRecordInput,
} from '@dougong/schema';
import { dataLinkagePatch } from './data-linkage.js';
import { fieldNodes } from './form-layout.js';
import { linkageStates } from './form-state.js';
import type {
  FormContext,
  FormDefinition,
  FormEngine,
  FormEvaluation,
  FormFieldState,
  FormValues,
  ValidateOptions,
} from './form-types.js';
import { computeFormulas } from './formula-values.js';
import { localizeMessage } from './issue-messages.js';
import { defaultValues } from './record-defaults.js';
import { formRuleIssues, mergedRecord } from './record-rules.js';
import { sameJson } from './same-json.js';
import { stageGateIssues, stageRequirements } from './stage-gates.js';

const COMPUTED = new Set<Field['type']>(['formula', 'autoNumber']);

/**
 * Binds a form to an app document and a context. Everything is deterministic: the clock, zone, user and
 * locale come from `ctx`.
 *
 * @example
 * const engine = createFormEngine(doc, formFor(doc, 'opportunity'), { now, locale: 'zh-CN' });
 * let values = engine.initialValues();
 * values = engine.evaluate({ ...values, stage: 'lost' }).values;
 * engine.validate(values, { mode: 'create' }); // [{ path: '/lossReason', message: '为必填项' }, …]
 */
export function createFormEngine(doc: AppDocument, form: FormDefinition, ctx: FormContext): FormEngine {
  const app = appModel(doc);
  const model = app.entitiesById.get(form.entity);
  if (!model || model.entity.kind === 'child')
    throw new Error(`Form "${form.id}": no entity "${form.entity}".`);
  const timeZone = ctx.timeZone ?? app.timeZone;
  const nodes = new Map(fieldNodes(form).map((n) => [n.fieldId, n]));
  const ruleCtx = (previous?: Readonly<Record<string, unknown>> | null): EvalContext => ({
    now: ctx.now,
    timeZone,
    previous: previous ?? null,
    ...(ctx.user ? { user: ctx.user } : {}),
  });
  const formId = form.kind === 'public' ? form.id : undefined;

  const evaluate = (
    values: Readonly<FormValues>,
    options: { previous?: Readonly<Record<string, unknown>> | null } = {},
  ): FormEvaluation => {
    const states = linkageStates(model, form, values, ruleCtx(options.previous));
    // Fields the record's current stage options require (stage gates) show as required.
    const gated = stageRequirements(model, states.record);
    const fields: Record<string, FormFieldState> = {};
    for (const field of model.entity.fields) {
      const s = states.fields[field.key]!;
      fields[field.key] = {
        visible: s.visible,
        required: s.required || field.required === true || gated.has(field.key),
        readOnly: s.readOnly,
      };
    }
    const rows: FormEvaluation['rows'] = {};
    for (const { field, child } of model.subTables)
      rows[field.key] = (states.rows[field.key] ?? []).map((row) => {
        const out: Record<string, FormFieldState> = {};
        for (const f of child.entity.fields) {
          const s = row[f.key]!;
          out[f.key] = {
            visible: s.visible,
            required: s.required || f.required === true,
            readOnly: s.readOnly,
          };
        }
        return out;
      });
    return { values: states.record, fields, rows };
  };

  /** Keys this form lets the user write: placed, not computed, not read-only on the form. */
  const writable = (field: Field) => {
    const node = nodes.get(field.id);
    return node !== undefined && node.readOnly !== true && !COMPUTED.has(field.type);
  };

  const payload = (values: Readonly<FormValues>, options: ValidateOptions): Record<string, unknown> => {
    const evaluated = evaluate(values, { previous: options.previous ?? null });
    const body: Record<string, unknown> = {};
    for (const field of model.entity.fields) {
      if (!writable(field)) continue;
      const state = evaluated.fields[field.key]!;
      if (!state.visible || (state.readOnly && !linkageSet(form, field.key))) continue;
      const value = evaluated.values[field.key];
      if (value === undefined) continue;
      const sent = field.type === 'subTable' ? rowsPayload(model, field, value) : value;
      if (options.mode === 'update' && options.previous) {
        const before = options.previous[field.key];
        const comparable = field.type === 'subTable' ? rowsPayload(model, field, before) : (before ?? null);
        if (sameJson(sent, comparable)) continue;
      }
      body[field.key] = sent;
    }
    if (options.mode === 'update' && typeof options.previous?.version === 'number')
      body.version = options.previous.version;
    return body;
  };

  return {
    form,
    entityKey: model.entity.key,
    initialValues(record, prefill) {
      const start: FormValues = record
        ? structuredClone({ ...record })
        : defaultValues(model, ctx.now, timeZone);
      for (const [key, value] of Object.entries(prefill ?? {})) {
        const field = model.fieldsByKey.get(key);
        if (field && writable(field) && field.type !== 'subTable') start[key] = value;
      }
      return evaluate(start, { previous: record ?? null }).values;
    },
    newRow(subTableKey) {
      const child = childModel(model, subTableKey);
      return computeFormulas(child, defaultValues(child, ctx.now, timeZone), ruleCtx());
    },
    evaluate,
    payload,
    validate(values, options) {
      const body = payload(values, options);
      const checked = validateRecordInput(model, body, { mode: options.mode, timeZone, now: ctx.now });
      if (!checked.ok)
        return checked.issues.map(
          (i): ValidationIssue => ({ path: i.path, message: localizeMessage(i.message, ctx.locale) }),
        );
      const record = mergedRecord(model, checked.record, options.previous, {
        ...ruleCtx(options.previous),
        timeZone,
      });
      const issues = formRuleIssues(doc, model, record, {
        previous: options.previous ?? null,
        ...(formId !== undefined ? { formId } : {}),
        now: ctx.now,
        timeZone,
        ...(ctx.user ? { user: ctx.user } : {}),
        locale: ctx.locale,
      });
      const seen = new Set(issues.map((i) => i.path));
      const gates = stageGateIssues(model, record, options.previous ?? null, ctx.locale);
      return [...issues, ...gates.filter((i) => !seen.has(i.path))];
    },
    dataLinkage(fieldKey, referenced, options = {}) {
      return dataLinkagePatch(doc, model, form, fieldKey, referenced, options);
    },
  };
}

/** A read-only field that a set-value rule fills is still sent: the rule's value must reach the server. */
function linkageSet(form: FormDefinition, key: string): boolean {
  return (form.linkage ?? []).some(
    (r) => r.action === 'setValue' && r.subTable === undefined && r.fields.includes(key),
  );
}

function childModel(model: EntityModel, subTableKey: string): EntityModel {
  const child = model.subTables.find((s) => s.field.key === subTableKey)?.child;
  if (!child) throw new Error(`"${subTableKey}" is not a sub-table of ${model.entity.key}.`);
  return child;
}

/** Sub-table rows as the API takes them: the row id when stored, and the child's writable values. */
function rowsPayload(model: EntityModel, field: Field, value: unknown): unknown {
  if (!Array.isArray(value)) return value ?? [];
  const child = childModel(model, field.key);
  return value.map((row) => {
    if (!row || typeof row !== 'object') return row;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(row as Record<string, unknown>)) {
      if (key === 'id') {
        if (typeof v === 'string') out.id = v;
        continue;
      }
      // Only the child's own writable fields: UI bookkeeping keys and system columns stay behind.
      const f = child.fieldsByKey.get(key);
      if (!f || COMPUTED.has(f.type)) continue;
      if (v !== undefined) out[key] = v;
    }
    return out;
  });
}
