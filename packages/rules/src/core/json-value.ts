/** Any JSON value; a rule is one. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JsonLogic rule: any JSON value (objects with one key are operations). */
export type Rule = JsonValue;

/** True for an object with exactly one key: json-logic-js's `is_logic`. */
export function isLogic(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1
  );
}

/** The operator of a logic node. */
export function operatorOf(logic: Record<string, unknown>): string {
  return Object.keys(logic)[0]!;
}

/** The arguments of a logic node, wrapping a single non-array argument the way json-logic-js does. */
export function argsOf(logic: Record<string, unknown>): unknown[] {
  const values = logic[operatorOf(logic)];
  return Array.isArray(values) ? values : [values];
}

/** json-logic-js truthiness: JavaScript's, except that an empty array is false. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value) && value.length === 0) return false;
  return Boolean(value);
}
