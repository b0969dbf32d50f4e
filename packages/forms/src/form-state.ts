import { type EvalContext, evaluateLinkage, type FieldState, type LinkageRule } from '@dougong/rules';
import { checkFieldValue, type EntityModel, type FormLinkageRule } from '@dougong/schema';
import { fieldNodes } from './form-layout.js';
import type { FormDefinition, FormFieldState } from './form-types.js';
import { computeFormulas, hasFormulas } from './formula-values.js';
import { sameJson } from './same-json.js';

/** Linkage states of a form over one record: the record's fields, and each sub-table row's. */
export interface LinkageStates {
  /** The record after formulas and set-value linkage reached a fixed point. */
  readonly record: Record<string, unknown>;
  /** By field key. `required` is what linkage adds (the field's own `required` is not included). */
  readonly fields: Record<string, FormFieldState>;
  readonly rows: Record<string, Array<Record<string, FormFieldState>>>;
}

const COMPUTED = new Set(['formula', 'autoNumber']);
const MAX_PASSES = 10;

/**
 * Runs a form's linkage over a record until formulas and set values settle: formulas, then the record's
 * rules, then each sub-table row's rules (rules with `subTable`), then formulas again. A field off the
 * form's layout is invisible; a field inside a hidden sub-table is invisible in every row.
 */
export function linkageStates(
  model: EntityModel,
  form: FormDefinition,
  record: Readonly<Record<string, unknown>>,
  ctx: EvalContext,
): LinkageStates {
  const { base, own, bySubTable } = formParts(model, form);

  // Rules see only values their field accepts (what the server could store): a half-typed "12a" reads as
  // null instead of making a decimal operation throw. What the user typed is kept in the result.
  const start = ruleSafe(model, record, ctx);
  let current = computeFormulas(model, start, ctx);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const top = evaluateLinkage(own, current, { base, ctx });
    const next: Record<string, unknown> = { ...top.record };
    const rows = rowLinkage(model, bySubTable, top.fields, next, ctx, next);
    const settled = computeFormulas(model, next, ctx);
    if (sameJson(settled, current))
      return { record: keepTyped(model, record, start, settled), fields: plain(top.fields, true), rows };
    current = settled;
  }
  throw new Error(
    `Form "${form.id}": formulas and set-value linkage do not settle after ${MAX_PASSES} passes.`,
  );
}

/**
 * The field states of {@link linkageStates} without the settled record: what a check of a form's rules
 * needs. A form that sets no values over an entity without formulas settles in one pass, which is all
 * this computes then; other forms go through {@link linkageStates}.
 */
export function linkageFieldStates(
  model: EntityModel,
  form: FormDefinition,
  record: Readonly<Record<string, unknown>>,
  ctx: EvalContext,
): Pick<LinkageStates, 'fields' | 'rows'> {
  const parts = formParts(model, form);
  if (parts.setsValues || hasFormulas(model)) {
    const { fields, rows } = linkageStates(model, form, record, ctx);
    return { fields, rows };
  }
  const { base, own, bySubTable } = parts;
  // As the first pass of linkageStates, which is its last: nothing changes the record.
  const start = ruleSafe(model, record, ctx);
  const top = evaluateLinkage(own, start, { base, ctx });
  const rows = rowLinkage(model, bySubTable, top.fields, start, ctx);
  // Without set values, linkage's own states are plain already ({ visible, required, readOnly }).
  return { fields: top.fields, rows };
}

/**
 * Each sub-table row's linkage, under the state of its sub-table's field (`fields`, the record's):
 * the rows' plain states by sub-table. With `into`, the rows as linkage left them (set values applied)
 * replace the record's rows there.
 */
function rowLinkage(
  model: EntityModel,
  bySubTable: FormParts['bySubTable'],
  fields: Readonly<Record<string, FieldState>>,
  record: Readonly<Record<string, unknown>>,
  ctx: EvalContext,
  into?: Record<string, unknown>,
): Record<string, Array<Record<string, FormFieldState>>> {
  const rows: Record<string, Array<Record<string, FormFieldState>>> = {};
  for (const { field, child } of model.subTables) {
    const parent = fields[field.key]!;
    const rules = bySubTable.get(field.key) ?? [];
    const rowBase: Record<string, Partial<FieldState>> = {};
    for (const f of child.entity.fields)
      rowBase[f.key] = {
        visible: parent.visible,
        required: false,
        readOnly: parent.readOnly || COMPUTED.has(f.type),
      };
    const list = record[field.key];
    const values = Array.isArray(list) ? (list as Record<string, unknown>[]) : [];
    const states = values.map((row) => evaluateLinkage(rules, row, { base: rowBase, ctx }));
    rows[field.key] = states.map((s) => plain(s.fields, parent.visible));
    if (into && Array.isArray(list)) into[field.key] = states.map((s) => s.record);
  }
  return rows;
}

/** What linkage needs of a form, whatever the record: the fields' base states and the rules. */
interface FormParts {
  readonly base: Readonly<Record<string, Partial<FieldState>>>;
  readonly own: readonly LinkageRule[];
  readonly bySubTable: ReadonlyMap<string, readonly LinkageRule[]>;
  /** Whether a rule sets values (else the record never changes through linkage). */
  readonly setsValues: boolean;
  // What the parts were made from: a form or entity edited into new objects makes them again.
  readonly layout: FormDefinition['layout'];
  readonly linkage: FormDefinition['linkage'];
  readonly fields: EntityModel['entity']['fields'];
}

// Per form and entity model, so checking many records (an import) works them out once.
const partsCache = new WeakMap<FormDefinition, WeakMap<EntityModel, FormParts>>();

function formParts(model: EntityModel, form: FormDefinition): FormParts {
  let byModel = partsCache.get(form);
  if (!byModel) {
    byModel = new WeakMap();
    partsCache.set(form, byModel);
  }
  const cached = byModel.get(model);
  if (
    cached &&
    cached.layout === form.layout &&
    cached.linkage === form.linkage &&
    cached.fields === model.entity.fields
  )
    return cached;
  const nodes = new Map(fieldNodes(form).map((n) => [n.fieldId, n]));
  const base: Record<string, Partial<FieldState>> = {};
  for (const field of model.entity.fields) {
    const node = nodes.get(field.id);
    base[field.key] = {
      visible: node !== undefined,
      required: false,
      readOnly: COMPUTED.has(field.type) || node?.readOnly === true,
    };
  }
  const own = (form.linkage ?? []).filter((r) => r.subTable === undefined).map(toLinkageRule);
  const bySubTable = new Map<string, LinkageRule[]>();
  for (const rule of form.linkage ?? [])
    if (rule.subTable !== undefined)
      bySubTable.set(rule.subTable, [...(bySubTable.get(rule.subTable) ?? []), toLinkageRule(rule)]);
  const parts = {
    base,
    own,
    bySubTable,
    setsValues: (form.linkage ?? []).some((r) => r.action === 'setValue'),
    layout: form.layout,
    linkage: form.linkage,
    fields: model.entity.fields,
  };
  byModel.set(model, parts);
  return parts;
}

function toLinkageRule(rule: FormLinkageRule): LinkageRule {
  return {
    id: rule.id,
    when: rule.when as LinkageRule['when'],
    action: rule.action,
    fields: rule.fields,
    ...(rule.value !== undefined ? { value: rule.value as LinkageRule['value'] } : {}),
  };
}

function plain(states: Record<string, FieldState>, parentVisible: boolean): Record<string, FormFieldState> {
  const out: Record<string, FormFieldState> = {};
  for (const key in states) {
    const s = states[key]!;
    out[key] = { visible: s.visible && parentVisible, required: s.required, readOnly: s.readOnly };
  }
  return out;
}

function ruleSafe(
  model: EntityModel,
  record: Readonly<Record<string, unknown>>,
  ctx: EvalContext,
): Record<string, unknown> {
  const valueCtx = { timeZone: ctx.timeZone ?? 'Asia/Shanghai', now: ctx.now ?? new Date(0) };
  const safe = (m: EntityModel, values: Readonly<Record<string, unknown>>) => {
    const out: Record<string, unknown> = { ...values };
    for (const field of m.entity.fields) {
      const value = out[field.key];
      if (value === null || value === undefined || value === '' || COMPUTED.has(field.type)) continue;
      if (field.type === 'subTable') {
        const child = m.subTables.find((s) => s.field.id === field.id)?.child;
        out[field.key] =
          Array.isArray(value) && child ? value.map((row) => safe(child, isObject(row) ? row : {})) : [];
      } else if (!checkFieldValue(field, value, valueCtx).ok) out[field.key] = null;
    }
    return out;
  };
  return safe(model, record);
}

/** The settled record, except that values rules saw as null keep what the user typed. */
function keepTyped(
  model: EntityModel,
  typed: Readonly<Record<string, unknown>>,
  seen: Readonly<Record<string, unknown>>,
  settled: Record<string, unknown>,
): Record<string, unknown> {
  const keep = (
    m: EntityModel,
    raw: Readonly<Record<string, unknown>>,
    before: Readonly<Record<string, unknown>>,
    after: Record<string, unknown>,
  ) => {
    const out = { ...after };
    for (const field of m.entity.fields) {
      if (COMPUTED.has(field.type)) continue;
      if (field.type === 'subTable') {
        const child = m.subTables.find((s) => s.field.id === field.id)?.child;
        const rawRows = raw[field.key];
        const rows = after[field.key];
        if (child && Array.isArray(rawRows) && Array.isArray(rows) && rawRows.length === rows.length)
          out[field.key] = rows.map((row, i) =>
            keep(
              child,
              isObject(rawRows[i]) ? rawRows[i] : {},
              (before[field.key] as Record<string, unknown>[])[i] ?? {},
              row,
            ),
          );
        continue;
      }
      // Unchanged by linkage: the typed value stands (even when rules could not read it).
      if (sameJson(after[field.key], before[field.key]) && field.key in raw) out[field.key] = raw[field.key];
    }
    return out;
  };
  return keep(model, typed, seen, settled);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
