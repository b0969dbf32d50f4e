import type { AppDocument } from '../document/app-document-schema.js';
import type { Field, FieldOf, FieldType } from '../document/field-schema.js';

/**
 * How a field's values look to rules, filters and sorting; the rule engine's SQL backend maps each kind
 * to a column type. `none` fields have no column of their own (sub-tables).
 */
export type ValueKind =
  | 'text'
  | 'integer'
  | 'decimal'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'textArray'
  | 'uuid'
  | 'json'
  | 'none';

/** What a value check needs besides the field: the app's time zone and a clock. */
export interface ValueContext {
  timeZone: string;
  now: Date;
}

/** A checked value ready to be stored, or a message saying what is wrong with the input. */
export type ValueCheck = { ok: true; value: unknown } | { ok: false; message: string };

/** The handler for one field type: storage, value kind, JSON Schema and value checks. */
export interface FieldTypeSpec<T extends FieldType> {
  /** SQL column type, or null when the field has no column (sub-table rows live in the child table). */
  columnType(field: FieldOf<T>, doc: AppDocument): string | null;
  /** How rules, filters and sorts see the value. */
  valueKind(field: FieldOf<T>): ValueKind;
  /** JSON Schema of the value as the API returns it (used for OpenAPI). */
  valueSchema(field: FieldOf<T>): Record<string, unknown>;
  /** Checks and normalises an input value (never called with null/undefined). Computed fields refuse writes. */
  check(value: unknown, field: FieldOf<T>, ctx: ValueContext): ValueCheck;
}

/** A registry holding one handler per field type; a missing handler fails to compile. */
export type FieldTypeRegistry = { [T in FieldType]: FieldTypeSpec<T> };

/** Helper for handlers: a failed check. */
export const fail = (message: string): ValueCheck => ({ ok: false, message });
/** Helper for handlers: a passed check with the value to store. */
export const pass = (value: unknown): ValueCheck => ({ ok: true, value });

/** Looks up the handler of a field's type with the field's own type narrowed. */
export type SpecFor = <F extends Field>(field: F) => FieldTypeSpec<F['type']>;
