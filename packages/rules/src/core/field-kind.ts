/**
 * The storage kinds a rule can see, and what value a record holds for each: text, uuid and date as
 * strings (`YYYY-MM-DD` for date), datetime as an ISO 8601 string with offset, integer as a JS number,
 * decimal as a decimal string ("1234.50"), boolean, and textArray (multi-select option ids) as an
 * array of strings. Any of them may be null.
 */
export type FieldKind =
  | 'text'
  | 'integer'
  | 'decimal'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'textArray'
  | 'uuid';

/** All field kinds. */
export const FIELD_KINDS: readonly FieldKind[] = [
  'text',
  'integer',
  'decimal',
  'boolean',
  'date',
  'datetime',
  'textArray',
  'uuid',
];
