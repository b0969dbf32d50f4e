import { compileRule, type EvalContext } from '@dougong/rules';
import { type FieldOf, numericShape, roundDecimal } from '@dougong/schema';

/**
 * Computes a formula field from a record's values (by key) and shapes the result to its declared type.
 * A result that does not fit the type (e.g. text in an integer formula) is stored as null.
 */
export function computeFormula(
  field: FieldOf<'formula'>,
  values: Record<string, unknown>,
  ctx?: EvalContext,
): unknown {
  const result = evaluateExpression(field.expression, values, ctx);
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

/** Evaluates a formula's expression with the rule engine's compiled backend (compiled once, cached). */
function evaluateExpression(
  expression: unknown,
  values: Record<string, unknown>,
  ctx?: EvalContext,
): unknown {
  return compileRule(expression)(values, ctx);
}
