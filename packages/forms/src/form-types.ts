import type { CurrentUser } from '@dougong/rules';
import type { Form, Locale, ValidationIssue } from '@dougong/schema';

/** A form as the engine runs it: a declared form of the document, or the generated default. */
export type FormDefinition = Form;

/** Form values: field values by key (as the records API returns them); sub-tables as arrays of rows. */
export type FormValues = Record<string, unknown>;

/** A sub-table row: child field values by key, plus `id` when the row is stored already. */
export type FormRow = Record<string, unknown>;

/**
 * What an engine needs from outside: the clock, the app's time zone, the user and the UI language.
 * Nothing is read from the process, so evaluation is deterministic.
 */
export interface FormContext {
  readonly now: Date;
  /** IANA zone for dates; default the app's zone. */
  readonly timeZone?: string;
  readonly user?: CurrentUser;
  readonly locale: Locale;
}

/** The state of one field on the form after linkage. */
export interface FormFieldState {
  readonly visible: boolean;
  readonly required: boolean;
  readonly readOnly: boolean;
}

/** The outcome of {@link FormEngine.evaluate}. */
export interface FormEvaluation {
  /** The values with formulas and set-value linkage applied (sub-table rows included). */
  readonly values: FormValues;
  /** Every field of the entity by key (fields not on the form are invisible). */
  readonly fields: Record<string, FormFieldState>;
  /** Per sub-table key, one state map per row, in row order. */
  readonly rows: Record<string, Array<Record<string, FormFieldState>>>;
}

/** Options of {@link FormEngine.validate} and {@link FormEngine.payload}. */
export interface ValidateOptions {
  readonly mode: 'create' | 'update';
  /** The stored record being edited (update): rules see it as `old`, and only changes are sent. */
  readonly previous?: Readonly<Record<string, unknown>> | null;
}

/** Options of {@link FormEngine.dataLinkage}. */
export interface DataLinkageOptions {
  /** The sub-table key when the reference field is a column of a sub-table row. */
  readonly subTable?: string;
  /** The current values (of the row, with `subTable`), so `overwrite: false` fills only empty fields. */
  readonly current?: Readonly<Record<string, unknown>>;
}

/**
 * A form bound to an app document and a context. Pure and deterministic: the same inputs give the same
 * outputs in the browser and on the server.
 */
export interface FormEngine {
  readonly form: FormDefinition;
  /** The entity's key. */
  readonly entityKey: string;
  /** Values of a new record (defaults, then allowed prefill) or of a stored record, evaluated. */
  initialValues(
    record?: Readonly<Record<string, unknown>> | null,
    prefill?: Readonly<Record<string, unknown>>,
  ): FormValues;
  /** A new sub-table row with the child's defaults and its formulas. */
  newRow(subTableKey: string): FormRow;
  /** Formulas, set-value linkage and every field's visible / required / read-only state. */
  evaluate(
    values: Readonly<FormValues>,
    options?: { previous?: Readonly<Record<string, unknown>> | null },
  ): FormEvaluation;
  /** Exactly the issues the server reports for {@link payload} of these values, in the context's locale. */
  validate(values: Readonly<FormValues>, options: ValidateOptions): ValidationIssue[];
  /** The body to send to the records API: writable, visible fields; on update only what changed. */
  payload(values: Readonly<FormValues>, options: ValidateOptions): Record<string, unknown>;
  /** The values to copy when the reference field `fieldKey` is set to `referenced` (a record as the API returns it). */
  dataLinkage(
    fieldKey: string,
    referenced: Readonly<Record<string, unknown>> | null,
    options?: DataLinkageOptions,
  ): Record<string, unknown>;
}
