import { compileRule, type EvalContext } from '@dougong/rules';
import { type EntityModel, type FieldOf, numericShape, roundDecimal } from '@dougong/schema';

/**
 * Computes a formula field from a record's values (by key) and shapes the result to its declared type:
 * decimals rounded half-up to the field's scale (exact, decimal.js), integers truncated, a result that does
 * not fit the type stored as null. The server stores exactly what this returns.
 * @example computeFormula(lineAmount, { quantity: 3, unitPrice: '19.99' }) // '59.97'
 */
export function computeFormula(
  field: FieldOf<'formula'>,
  values: Readonly<Record<string, unknown>>,
  ctx?: EvalContext,
): unknown {
  let result: unknown;
  try {
    result = compileRule(field.expression)(values, ctx);
  } catch {
    // An expression that cannot be evaluated on these values (e.g. bad operand types) yields no value.
    return null;
  }
  if (result === null || result === undefined) return null;
  switch (field.resultType) {
    case 'text':
      return typeof result === 'object' ? JSON.stringify(result) : String(result);
    case 'integer': {
      const n = Number(result);
      return Number.isFinite(n) ? Math.trunc(n) : null;
    }
    case 'decimal': {
      const n = typeof result === 'number' || typeof result === 'string' ? String(result) : '';
      return /^-?\d+(\.\d+)?$/.test(n) ? roundDecimal(n, numericShape(field)?.scale ?? 2) : null;
    }
    case 'boolean':
      return Boolean(result);
    case 'date':
      return typeof result === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(result) ? result : null;
  }
}

/**
 * Recomputes every formula of a record: each sub-table row's formulas first, then the record's own in
 * field order (a formula sees the ones before it), so totals such as Σ quantity × unit price see the
 * rows' line amounts. Returns a new object; rows are copied.
 */
export function computeFormulas(
  model: EntityModel,
  record: Readonly<Record<string, unknown>>,
  ctx?: EvalContext,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...record };
  for (const { field, child } of model.subTables) {
    const rows = out[field.key];
    if (Array.isArray(rows)) out[field.key] = rows.map((row) => ownFormulas(child, asObject(row), ctx));
  }
  // `out` is a copy already: without formulas of its own, the record needs no second one.
  return ownFormulaFields(model) ? ownFormulas(model, out, ctx) : out;
}

// Whether an entity has formula fields of its own, by its field list (an entity edited into new
// objects is looked at again).
const ownFormulasOf = new WeakMap<object, boolean>();

function ownFormulaFields(model: EntityModel): boolean {
  let known = ownFormulasOf.get(model.entity.fields);
  if (known === undefined) {
    known = model.entity.fields.some((f) => f.type === 'formula');
    ownFormulasOf.set(model.entity.fields, known);
  }
  return known;
}

/** Whether an entity or one of its sub-tables has formula fields. */
export function hasFormulas(model: EntityModel): boolean {
  return ownFormulaFields(model) || model.subTables.some(({ child }) => ownFormulaFields(child));
}

function ownFormulas(
  model: EntityModel,
  record: Record<string, unknown>,
  ctx: EvalContext | undefined,
): Record<string, unknown> {
  const out = { ...record };
  for (const field of model.entity.fields)
    if (field.type === 'formula') out[field.key] = computeFormula(field, out, ctx);
  return out;
}

function asObject(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
