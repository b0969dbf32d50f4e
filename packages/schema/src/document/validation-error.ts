/**
 * One problem found in a document or payload: a JSON Pointer (RFC 6901) to the offending value and a message.
 * @example { path: '/entities/0/fields/2/type', message: 'must be one of: text, number, …' }
 */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Escapes a key for use in a JSON Pointer. */
export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Joins a base pointer with more segments: `pointer('/a', 0, 'b')` → `/a/0/b`. */
export function pointer(base: string, ...segments: Array<string | number>): string {
  return base + segments.map((s) => `/${pointerSegment(s)}`).join('');
}
