import {
  type AppDocument,
  appModel,
  type CaptureHook,
  type CaptureTransform,
  dateInZone,
  type EntityModel,
  type Field,
  formatInZone,
  isIsoDate,
  normalizePhone,
  parseIsoDatetime,
  pointerSegment,
  type ValidationIssue,
  valueKindOf,
} from '@dougong/schema';
import { type RecordCheckOptions, recordPayloadIssues } from './record-check.js';

/** What a capture hook received: the parsed body and the request headers (names in lower case). */
export interface CaptureRequest {
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** The clock and zone a mapping reads dates with. */
export interface CaptureContext {
  readonly now: Date;
  readonly timeZone: string;
}

/**
 * A payload mapped to a record: `values` by field key, `sources` the payload pointer each value came
 * from (for error paths), the delivery's idempotency key when the hook declares one, and the issues
 * (`ok` when there are none; `values` then holds what could be mapped).
 */
export interface CaptureResult {
  ok: boolean;
  values: Record<string, unknown>;
  sources: Record<string, string>;
  idempotencyKey: string | null;
  issues: ValidationIssue[];
}

/** Longest idempotency key accepted. */
export const MAX_IDEMPOTENCY_KEY = 200;

/**
 * The value a JSON Pointer (RFC 6901) names in a document: `''` is the document, `/a/0/b` walks object
 * members and array indexes. Own members only (never a prototype's).
 * @example resolvePointer({ a: [{ b: 1 }] }, '/a/0/b') // { found: true, value: 1 }
 */
export function resolvePointer(
  doc: unknown,
  pointer: string,
): { found: true; value: unknown } | { found: false } {
  if (pointer === '') return { found: true, value: doc };
  if (!pointer.startsWith('/')) return { found: false };
  let current = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d{0,8})$/.test(segment) || Number(segment) >= current.length) return { found: false };
      current = current[Number(segment)];
    } else if (current !== null && typeof current === 'object' && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else return { found: false };
  }
  return { found: true, value: current };
}

type Step = { ok: true; value: unknown } | { ok: false; message: string };
type Named = Extract<CaptureTransform, string>;

const blank = (v: unknown) =>
  v === undefined ||
  v === null ||
  (typeof v === 'string' && v.trim() === '') ||
  (Array.isArray(v) && v.length === 0);
const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

// Every named transform has a handler: adding a name without one fails to compile.
const NAMED: Record<Named, (value: unknown, field: Field, ctx: CaptureContext) => Step> = {
  trim: (v) => ({ ok: true, value: typeof v === 'string' ? v.trim() : v }),
  lower: (v) => ({ ok: true, value: typeof v === 'string' ? v.toLowerCase() : v }),
  phone: (v) => {
    const phone = text(v) === undefined ? undefined : normalizePhone(text(v)!);
    return phone ? { ok: true, value: phone.value } : { ok: false, message: 'is not a phone number' };
  },
  date: (v, field, ctx) => {
    const instant = toInstant(v, ctx.timeZone);
    if (!instant) return { ok: false, message: 'is not a date' };
    if (field.type === 'date')
      return { ok: true, value: instant.date ?? dateInZone(instant.at!, ctx.timeZone) };
    const at = instant.at ?? localInstant(instant.date!, '00:00:00', ctx.timeZone);
    return { ok: true, value: formatInZone(at, ctx.timeZone) };
  },
};

function applyStep(step: CaptureTransform, value: unknown, field: Field, ctx: CaptureContext): Step {
  if (typeof step === 'string') return NAMED[step](value, field, ctx);
  if ('constant' in step) return { ok: true, value: step.constant };
  const lookup = (item: unknown): Step => {
    const key = typeof item === 'string' ? item.trim() : String(item);
    if (Object.hasOwn(step.map, key)) return { ok: true, value: step.map[key] };
    if ('default' in step) return { ok: true, value: step.default };
    return { ok: false, message: `"${key.slice(0, 64)}" is not one of the mapped values` };
  };
  if (!Array.isArray(value)) return lookup(value);
  const out: unknown[] = [];
  for (const item of value) {
    const mapped = lookup(item);
    if (!mapped.ok) return mapped;
    out.push(mapped.value);
  }
  return { ok: true, value: out };
}

const YES = new Set(['true', '1', 'yes', 'y', '是', 'on']);
const NO = new Set(['false', '0', 'no', 'n', '否', 'off']);

/** Loosens a JSON value into the form the field's validator takes (numbers as text, labels as option ids …). */
function coerce(field: Field, value: unknown): unknown {
  if (value === null) return null;
  const option = (item: unknown) => {
    if (typeof item !== 'string' && typeof item !== 'number') return item;
    const wanted = String(item).trim();
    const options = 'options' in field ? field.options : [];
    const lower = wanted.toLowerCase();
    return (
      options.find((o) => o.id === wanted)?.id ??
      options.find((o) => o.label['zh-CN'] === wanted || o.label.en?.toLowerCase() === lower)?.id ??
      wanted
    );
  };
  if (field.type === 'singleSelect') return option(value);
  switch (valueKindOf(field)) {
    case 'text':
    case 'decimal':
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    case 'integer':
      return typeof value === 'string' && /^\s*-?\d{1,15}\s*$/.test(value) ? Number(value) : value;
    case 'boolean': {
      const t = (text(value) ?? '').trim().toLowerCase();
      return YES.has(t) ? true : NO.has(t) ? false : value;
    }
    case 'textArray': {
      const items = typeof value === 'string' ? value.split(/[,，、;；]/).map((s) => s.trim()) : value;
      return Array.isArray(items) ? items.filter((s) => !blank(s)).map(option) : items;
    }
    default:
      return value;
  }
}

/**
 * Maps a capture payload to record values with the hook's mapping: each entry reads its pointer,
 * applies its transforms in order and loosens the value into the field's form (numbers to text for text
 * fields, option labels to ids, "是"/"yes" to true …); defaults fill fields left empty. A missing
 * required value, a failed transform or a missing idempotency key is an issue at its payload path (a
 * header as `/headers/{name}`). Record validation runs later, in the write path; see
 * {@link capturePayloadIssues} for naming its issues by payload path.
 * @example
 * mapCapturePayload(doc, hook, { body: { mobile: '+86 138 0013 8000' }, headers: {} }, { now, timeZone })
 * // { ok: true, values: { mobile: '13800138000', source: 'website' }, sources: { mobile: '/mobile' }, … }
 */
export function mapCapturePayload(
  doc: AppDocument,
  hook: CaptureHook,
  request: CaptureRequest,
  ctx: CaptureContext,
): CaptureResult {
  const model = captureEntity(doc, hook);
  const issues: ValidationIssue[] = [];
  const values: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  for (const entry of hook.mapping) {
    const field = model.fieldsById.get(entry.to);
    if (!field) continue;
    const path = entry.from ?? '';
    if (entry.from !== undefined) sources[field.key] = entry.from;
    const found = entry.from === undefined ? undefined : resolvePointer(request.body, entry.from);
    let value: unknown = found?.found ? found.value : undefined;
    const steps =
      entry.transform === undefined
        ? []
        : Array.isArray(entry.transform)
          ? entry.transform
          : [entry.transform];
    const constant = steps.some((s) => typeof s === 'object' && 'constant' in s);
    if (blank(value) && !constant) {
      if (entry.required) issues.push({ path, message: 'is required' });
      continue;
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !constant) {
      issues.push({ path, message: 'must be a value, not an object' });
      continue;
    }
    let failed = false;
    for (const step of steps) {
      const result = applyStep(step, value, field, ctx);
      if (!result.ok) {
        issues.push({ path, message: result.message });
        failed = true;
        break;
      }
      value = result.value;
    }
    if (!failed && !blank(value)) values[field.key] = coerce(field, value);
  }
  for (const [id, value] of Object.entries(hook.defaults ?? {})) {
    const field = model.fieldsById.get(id);
    if (field && blank(values[field.key]) && !blank(value)) values[field.key] = coerce(field, value);
  }
  const key = idempotencyKey(hook, request, issues);
  return { ok: issues.length === 0, values, sources, idempotencyKey: key, issues };
}

/**
 * A designer's preview of a hook on a sample payload, without writing: the mapped values, the
 * idempotency key, and every issue by payload path — the mapping's, then what the record validator and
 * the entity's form rules would refuse (see {@link recordPayloadIssues}; unique values and references
 * are only checked by a real delivery).
 */
export function previewCapture(
  doc: AppDocument,
  hook: CaptureHook,
  request: CaptureRequest,
  options: RecordCheckOptions,
): CaptureResult {
  const mapped = mapCapturePayload(doc, hook, request, options);
  const flagged = new Set(mapped.issues.map((i) => i.path));
  const recordIssues = capturePayloadIssues(
    recordPayloadIssues(doc, captureEntity(doc, hook), mapped.values, options),
    mapped.sources,
  ).filter((i) => i.path === '' || !flagged.has(i.path));
  const issues = [...mapped.issues, ...recordIssues];
  return { ...mapped, ok: issues.length === 0, issues };
}

/**
 * Renames the issues of a record write (paths by field key: `/mobile`, `/tags/1`) to the payload paths
 * their values came from (`/contact/phone`), naming the field in the message. A field no payload value
 * fed (a default, or a required field the mapping does not fill) keeps the root path `''`.
 */
export function capturePayloadIssues(
  issues: ReadonlyArray<ValidationIssue>,
  sources: Readonly<Record<string, string>>,
): ValidationIssue[] {
  return issues.map(({ path, message }) => {
    const key = (path.split('/')[1] ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
    const from = Object.hasOwn(sources, key) ? sources[key] : undefined;
    return { path: from ?? '', message: key ? `${message} (field "${key}")` : message };
  });
}

/** The entity of a hook; throws when the document does not have it (documents are validated on save). */
export function captureEntity(doc: AppDocument, hook: CaptureHook): EntityModel {
  const model = appModel(doc).entitiesById.get(hook.entity);
  if (!model) throw new Error(`Capture hook "${hook.id}" names no entity of the document.`);
  return model;
}

function idempotencyKey(
  hook: CaptureHook,
  request: CaptureRequest,
  issues: ValidationIssue[],
): string | null {
  const spec = hook.idempotencyKey;
  if (!spec) return null;
  let raw: unknown;
  let path: string;
  if ('pointer' in spec) {
    path = spec.pointer;
    const found = resolvePointer(request.body, spec.pointer);
    raw = found.found ? found.value : undefined;
  } else {
    path = `/headers/${pointerSegment(spec.header.toLowerCase())}`;
    const header = request.headers[spec.header.toLowerCase()];
    raw = Array.isArray(header) ? header[0] : header;
  }
  const key = text(raw)?.trim();
  if (!key) issues.push({ path, message: 'is required (the idempotency key)' });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  else if (key.length > MAX_IDEMPOTENCY_KEY || /[\u0000-\u001f\u007f]/.test(key))
    issues.push({ path, message: `must be at most ${MAX_IDEMPOTENCY_KEY} printable characters` });
  else return key;
  return null;
}

const LOCAL = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** A date (`YYYY-MM-DD`) or an instant read from ISO text, local date-time text or epoch seconds / ms. */
function toInstant(value: unknown, timeZone: string): { date?: string; at?: Date } | undefined {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d{10}(\d{3})?$/.test(value.trim()))) {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) return undefined;
    const at = new Date(n < 1e11 ? n * 1000 : n);
    return Number.isNaN(at.getTime()) ? undefined : { at };
  }
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  const iso = parseIsoDatetime(trimmed);
  if (iso) return { at: iso };
  const local = LOCAL.exec(trimmed);
  if (!local) return undefined;
  const pad = (s: string | undefined, n = 2) => (s ?? '0').padStart(n, '0');
  const date = `${local[1]}-${pad(local[2])}-${pad(local[3])}`;
  if (!isIsoDate(date)) return undefined;
  if (local[4] === undefined) return { date };
  if (Number(local[4]) > 23 || Number(local[6] ?? 0) > 59 || Number(local[5]) > 59) return undefined;
  return { at: localInstant(date, `${pad(local[4])}:${local[5]}:${pad(local[6])}`, timeZone) };
}

/** The instant a wall-clock time names in a zone (the zone's offset read at that moment). */
function localInstant(date: string, time: string, timeZone: string): Date {
  const guess = new Date(`${date}T${time}Z`);
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(formatInZone(guess, timeZone));
  const minutes = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0;
  return new Date(guess.getTime() - minutes * 60_000);
}
