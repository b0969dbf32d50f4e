import {
  type AppDocument,
  appModel,
  type Entity,
  type Field,
  type FormPublic,
  pointer,
  UUID_PATTERN,
  type ValidationIssue,
} from '@dougong/schema';
import { fieldNodes, mapFieldNodes } from './form-layout.js';
import type { FormDefinition } from './form-types.js';

/** The name of the honeypot input of public forms: people leave it empty (it is hidden), bots fill it. */
export const HONEYPOT_FIELD = 'website_url';

/** Field types a public form may ask for: none that would list other records, users or files. */
const PUBLIC_TYPES = new Set<Field['type']>([
  'text',
  'longText',
  'number',
  'money',
  'percent',
  'boolean',
  'date',
  'datetime',
  'singleSelect',
  'multiSelect',
  'email',
  'phone',
  'url',
  'region',
]);

/** What `GET /api/public/forms/{app}/{formId}` returns: enough to render and check the form, nothing more. */
export interface PublicFormDefinition {
  /** A one-entity app document holding only this form's fields, for `createFormEngine`. */
  readonly document: AppDocument;
  readonly form: FormDefinition;
  readonly title: FormPublic['title'];
  readonly description?: FormPublic['description'];
  readonly thankYou: FormPublic['thankYou'];
  /** Field keys the page may prefill from its query string. */
  readonly prefill: readonly string[];
  readonly honeypot: typeof HONEYPOT_FIELD;
}

/** The fields a public form takes input for: placed, of a public type, not read-only or computed. */
function inputFields(entity: Entity, form: FormDefinition): Field[] {
  const byId = new Map(entity.fields.map((f) => [f.id, f]));
  return fieldNodes(form)
    .filter((n) => n.readOnly !== true)
    .map((n) => byId.get(n.fieldId))
    .filter((f): f is Field => f !== undefined && PUBLIC_TYPES.has(f.type));
}

/**
 * The public definition of a public form: its entity reduced to the fields the form takes (labels,
 * options, limits), the layout without other nodes' fields, its own linkage and validation, the page texts.
 * Nothing about other records, other fields, roles or the rest of the app.
 */
export function publicFormDefinition(doc: AppDocument, form: FormDefinition): PublicFormDefinition {
  const entity = doc.entities.find((e) => e.id === form.entity);
  if (!entity || form.kind !== 'public' || !form.public) throw new Error(`Form "${form.id}" is not public.`);
  const fields = inputFields(entity, form);
  const ids = new Set(fields.map((f) => f.id));
  const keys = new Set(fields.map((f) => f.key));
  const publicForm: FormDefinition = {
    id: form.id,
    entity: form.entity,
    label: form.label,
    kind: 'public',
    layout: mapFieldNodes(form.layout, (node) => (ids.has(node.fieldId) ? node : null)),
    linkage: (form.linkage ?? []).filter(
      (r) => r.subTable === undefined && r.fields.every((k) => keys.has(k)),
    ),
    validation: (form.validation ?? []).filter((r) => r.subTable === undefined && keys.has(r.path)),
  };
  const { title, description, thankYou, prefill } = form.public;
  return {
    document: {
      schemaVersion: doc.schemaVersion,
      key: doc.key,
      label: doc.label,
      ...(doc.timeZone ? { timeZone: doc.timeZone } : {}),
      entities: [
        {
          id: entity.id,
          key: entity.key,
          label: entity.label,
          fields: fields.map(({ index: _index, ...field }) => field as Field),
        },
      ],
      forms: [publicForm],
    },
    form: publicForm,
    title,
    ...(description ? { description } : {}),
    thankYou,
    prefill: (prefill ?? [])
      .filter((id) => ids.has(id))
      .map((id) => entity.fields.find((f) => f.id === id)!.key),
    honeypot: HONEYPOT_FIELD,
  };
}

/** A public submission as received: values typed into the form, the page's query string and referrer. */
export interface PublicSubmissionInput {
  readonly values: unknown;
  readonly query: Readonly<Record<string, unknown>>;
  readonly referrer?: string | undefined;
}

/** The record payload for a submission, and the reference fields whose ids the caller must confirm exist. */
export type PublicSubmission =
  | { ok: true; payload: Record<string, unknown>; references: string[] }
  | { ok: false; issues: ValidationIssue[] };

const UTM_PARTS = ['source', 'medium', 'campaign', 'term', 'content'] as const;

/**
 * Turns a public submission into a record payload: only the form's input fields are accepted (anything
 * else is an issue at its key); allowed keys missing from the values are prefilled from the query string;
 * the campaign, channel, UTM parameters and referrer are recorded into the configured fields (only when
 * they fit — attribution never fails a submission: an unknown channel option or an over-long UTM value is
 * dropped or cut to the field's length).
 */
export function publicSubmission(
  doc: AppDocument,
  form: FormDefinition,
  input: PublicSubmissionInput,
): PublicSubmission {
  const model = appModel(doc).entitiesById.get(form.entity);
  if (!model || !form.public) throw new Error(`Form "${form.id}" is not public.`);
  const values = input.values;
  if (!values || typeof values !== 'object' || Array.isArray(values))
    return { ok: false, issues: [{ path: '/values', message: 'must be an object' }] };
  const accepted = new Map(inputFields(model.entity, form).map((f) => [f.key, f]));
  const issues: ValidationIssue[] = [];
  const payload: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (!accepted.has(key)) issues.push({ path: pointer('', key), message: 'is not a field of this form' });
    else payload[key] = value;
  }
  if (issues.length > 0) return { ok: false, issues };

  const byId = (id: string | undefined) => (id === undefined ? undefined : model.fieldsById.get(id));
  for (const id of form.public.prefill ?? []) {
    const field = byId(id);
    const raw = field ? queryText(input.query[field.key]) : undefined;
    if (field && accepted.has(field.key) && raw !== undefined && isBlank(payload[field.key]))
      payload[field.key] = fromQuery(field, raw);
  }

  const references: string[] = [];
  const attribute = (id: string | undefined, raw: string | undefined) => {
    const field = byId(id);
    if (!field || raw === undefined || raw === '' || !isBlank(payload[field.key])) return;
    const value = attributionValue(field, raw);
    if (value === undefined) return;
    payload[field.key] = value;
    if (field.type === 'reference') references.push(field.key);
  };
  const attribution = form.public.attribution ?? {};
  attribute(attribution.campaignField, queryText(input.query.campaign));
  const channelField = byId(attribution.channelField);
  const channel = queryText(input.query.channel);
  if (channel !== undefined && channelField && attributionValue(channelField, channel) !== undefined)
    attribute(attribution.channelField, channel);
  else attribute(attribution.channelField, attribution.channel);
  for (const part of UTM_PARTS)
    attribute(attribution.utmFields?.[part], queryText(input.query[`utm_${part}`]));
  attribute(attribution.referrerField, input.referrer);
  return { ok: true, payload, references };
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function queryText(value: unknown): string | undefined {
  if (Array.isArray(value)) value = value[0];
  return typeof value === 'string' ? value.trim() : undefined;
}

function fromQuery(field: Field, raw: string): unknown {
  switch (field.type) {
    case 'number':
      return field.integer && /^-?\d{1,15}$/.test(raw) ? Number(raw) : raw;
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'multiSelect':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    default:
      return raw;
  }
}

/** A value for an attribution field, or undefined when it cannot hold it. */
function attributionValue(field: Field, raw: string): unknown {
  switch (field.type) {
    case 'text':
      return [...raw].slice(0, field.maxLength ?? 255).join('');
    case 'longText':
      return [...raw].slice(0, field.maxLength ?? 10_000).join('');
    case 'url':
      return /^https?:\/\/[^\s]+$/i.test(raw) && raw.length <= 2048 ? raw : undefined;
    case 'singleSelect':
      return field.options.some((o) => o.id === raw) ? raw : undefined;
    case 'reference':
      return UUID_PATTERN.test(raw) ? raw.toLowerCase() : undefined;
    default:
      return undefined;
  }
}
