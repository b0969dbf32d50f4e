import type { Field } from '../document/field-schema.js';

// Kept apart from the document validator: importing this compiles no JSON Schema, so browser code with a
// strict content security policy (no `unsafe-eval`) can use it.

/** Whether lists can sort on a field (default sorts, sort menus). */
export function isSortable(field: Field): boolean {
  return !['subTable', 'attachment', 'multiSelect', 'richText', 'longText'].includes(field.type);
}
