import type { AppDocument } from './app-document-schema.js';
import { type Label, type Locale, labelFor } from './label.js';
import { pointer } from './validation-error.js';

/** The items a diff reports, each matched by its stable id (roles by key). */
export const DIFF_KINDS = ['app', 'entity', 'field', 'form', 'flow', 'role'] as const;
/** One of {@link DIFF_KINDS}. */
export type DiffKind = (typeof DIFF_KINDS)[number];

/** A change inside an item. */
export interface PropertyChange {
  /** `moved`: the same ids in another order (`before`/`after` are the id lists). */
  op: 'added' | 'removed' | 'changed' | 'moved';
  /**
   * JSON Pointer relative to the item: into the new item for added, changed and moved values, into the
   * old one for removed values. Arrays of objects with an `id` are matched by id, not position.
   */
  path: string;
  before?: unknown;
  after?: unknown;
}

/** One added, removed or changed item. */
export interface DocumentChange {
  op: 'added' | 'removed' | 'changed';
  kind: DiffKind;
  /** Stable id: entity, field, form or flow id; a role's key; the app's key for `app`. */
  id: string;
  /** The entity of a field. */
  entityId?: string;
  /** The item's label (new, else old). */
  label?: Label;
  /** JSON Pointer to the item in the new document (absent when removed; `""` for the app). */
  path?: string;
  /** JSON Pointer to the item in the old document (absent when added). */
  fromPath?: string;
  /** The whole old item (removed). */
  before?: unknown;
  /** The whole new item (added). */
  after?: unknown;
  /** What changed inside (changed). */
  changes?: PropertyChange[];
}

/** How many items of a kind were added, changed and removed. */
export interface ChangeCount {
  added: number;
  changed: number;
  removed: number;
}

/** A structured diff of two documents. */
export interface DocumentDiff {
  changes: DocumentChange[];
  counts: Record<Exclude<DiffKind, 'app'>, ChangeCount> & { app: boolean };
}

const COLLECTIONS = ['entities', 'forms', 'flows', 'roles'] as const;
type Item = Record<string, unknown> & { label?: Label };

/**
 * Diffs two app documents by stable id: the app's own settings, entities (without their fields),
 * fields (per entity), forms, flows and roles. `from` null is an empty app (everything is added).
 * Pure and deterministic: items in the new document's order, then removed ones in the old order.
 * @example
 * diffDocuments(v3, draft).changes
 * // [{ op: 'changed', kind: 'field', id: 'qty', entityId: 'item', path: '/entities/0/fields/4',
 * //    fromPath: '/entities/0/fields/4', changes: [{ op: 'changed', path: '/type', before: 'text', after: 'number' }] }]
 */
export function diffDocuments(from: AppDocument | null, to: AppDocument): DocumentDiff {
  const changes: DocumentChange[] = [];
  const appChanges: PropertyChange[] = [];
  const settings = (doc: AppDocument | null) =>
    doc
      ? Object.fromEntries(
          Object.entries(doc).filter(([k]) => !(COLLECTIONS as readonly string[]).includes(k)),
        )
      : {};
  diffValue(settings(from), settings(to), '', appChanges);
  for (const name of COLLECTIONS) {
    const before = ((from?.[name] ?? []) as Item[]).map(idOf);
    const after = ((to[name] ?? []) as Item[]).map(idOf);
    const moved = reordered(before, after);
    if (moved) appChanges.push({ op: 'moved', path: `/${name}`, ...moved });
  }
  if (from && appChanges.length > 0)
    changes.push({
      op: 'changed',
      kind: 'app',
      id: to.key,
      label: to.label,
      path: '',
      fromPath: '',
      changes: appChanges,
    });

  diffItems(from?.entities ?? [], to.entities, 'entity', '/entities', changes, (old, now, at, oldAt) => {
    const strip = ({ fields: _fields, ...rest }: typeof old) => rest;
    const inner: PropertyChange[] = [];
    diffValue(strip(old), strip(now), '', inner);
    const moved = reordered(old.fields.map(idOf), now.fields.map(idOf));
    if (moved) inner.push({ op: 'moved', path: '/fields', ...moved });
    const fieldChanges: DocumentChange[] = [];
    diffItems(old.fields, now.fields, 'field', `${at}/fields`, fieldChanges, undefined, `${oldAt}/fields`);
    return { inner, extra: fieldChanges.map((c) => ({ ...c, entityId: now.id })) };
  });
  diffItems(from?.forms ?? [], to.forms ?? [], 'form', '/forms', changes);
  diffItems(from?.flows ?? [], to.flows ?? [], 'flow', '/flows', changes);
  diffItems(from?.roles ?? [], to.roles ?? [], 'role', '/roles', changes);
  return { changes, counts: countChanges(changes) };
}

function idOf(item: object): string {
  const { id, key } = item as { id?: unknown; key?: unknown };
  return String(id ?? key);
}

function reordered(before: string[], after: string[]): { before: string[]; after: string[] } | undefined {
  const kept = new Set(after);
  const inBoth = new Set(before.filter((id) => kept.has(id)));
  const a = before.filter((id) => inBoth.has(id));
  const b = after.filter((id) => inBoth.has(id));
  return a.some((id, i) => id !== b[i]) ? { before: a, after: b } : undefined;
}

function diffItems<T extends object>(
  before: readonly T[],
  after: readonly T[],
  kind: DiffKind,
  base: string,
  out: DocumentChange[],
  nested?: (
    old: T,
    now: T,
    at: string,
    oldAt: string,
  ) => { inner: PropertyChange[]; extra: DocumentChange[] },
  oldBase = base,
): void {
  const old = new Map(before.map((item, i) => [idOf(item), { item, i }]));
  const current = new Set(after.map(idOf));
  after.forEach((item, i) => {
    const id = idOf(item);
    const at = pointer(base, i);
    const label = (item as Item).label;
    const previous = old.get(id);
    if (!previous) {
      out.push({ op: 'added', kind, id, ...(label ? { label } : {}), path: at, after: item });
      return;
    }
    const fromPath = pointer(oldBase, previous.i);
    let inner: PropertyChange[] = [];
    let extra: DocumentChange[] = [];
    if (nested) ({ inner, extra } = nested(previous.item, item, at, fromPath));
    else diffValue(previous.item, item, '', inner);
    if (inner.length > 0)
      out.push({ op: 'changed', kind, id, ...(label ? { label } : {}), path: at, fromPath, changes: inner });
    out.push(...extra);
  });
  before.forEach((item, i) => {
    const id = idOf(item);
    if (current.has(id)) return;
    const label = (item as Item).label;
    out.push({
      op: 'removed',
      kind,
      id,
      ...(label ? { label } : {}),
      fromPath: pointer(oldBase, i),
      before: item,
    });
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function byId(value: unknown): value is Array<{ id: string }> {
  if (!Array.isArray(value) || value.length === 0) return false;
  const ids = new Set<string>();
  for (const item of value) {
    if (!isObject(item) || typeof item.id !== 'string' || ids.has(item.id)) return false;
    ids.add(item.id);
  }
  return true;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && same(a[k], b[k]));
  }
  return false;
}

// Deep diff: objects key by key, arrays of objects with ids by id, anything else as a whole.
function diffValue(before: unknown, after: unknown, path: string, out: PropertyChange[]): void {
  if (same(before, after)) return;
  if (isObject(before) && isObject(after)) {
    for (const key of Object.keys(after)) {
      if (after[key] === undefined) continue;
      if (before[key] === undefined) out.push({ op: 'added', path: pointer(path, key), after: after[key] });
      else diffValue(before[key], after[key], pointer(path, key), out);
    }
    for (const key of Object.keys(before))
      if (before[key] !== undefined && after[key] === undefined)
        out.push({ op: 'removed', path: pointer(path, key), before: before[key] });
    return;
  }
  const listOfIds = (v: unknown): v is Array<{ id: string }> =>
    byId(v) || (Array.isArray(v) && v.length === 0);
  if (listOfIds(before) && listOfIds(after)) {
    const old = new Map(before.map((item, i) => [item.id, { item, i }]));
    const kept = new Set(after.map((item) => item.id));
    after.forEach((item, i) => {
      const previous = old.get(item.id);
      if (!previous) out.push({ op: 'added', path: pointer(path, i), after: item });
      else diffValue(previous.item, item, pointer(path, i), out);
    });
    before.forEach((item, i) => {
      if (!kept.has(item.id)) out.push({ op: 'removed', path: pointer(path, i), before: item });
    });
    const moved = reordered(before.map(idOf), after.map(idOf));
    if (moved) out.push({ op: 'moved', path, ...moved });
    return;
  }
  out.push({ op: 'changed', path, before, after });
}

function countChanges(changes: readonly DocumentChange[]): DocumentDiff['counts'] {
  const zero = (): ChangeCount => ({ added: 0, changed: 0, removed: 0 });
  const counts = { entity: zero(), field: zero(), form: zero(), flow: zero(), role: zero(), app: false };
  for (const change of changes) {
    if (change.kind === 'app') counts.app = true;
    else counts[change.kind][change.op] += 1;
  }
  return counts;
}

const NOUNS: Record<DiffKind, Record<Locale, string>> = {
  app: { en: 'app settings', 'zh-CN': '应用设置' },
  entity: { en: 'entity', 'zh-CN': '实体' },
  field: { en: 'field', 'zh-CN': '字段' },
  form: { en: 'form', 'zh-CN': '表单' },
  flow: { en: 'flow', 'zh-CN': '流程' },
  role: { en: 'role', 'zh-CN': '角色' },
};
const VERBS: Record<DocumentChange['op'], Record<Locale, string>> = {
  added: { en: 'Added', 'zh-CN': '新增' },
  changed: { en: 'Changed', 'zh-CN': '修改' },
  removed: { en: 'Removed', 'zh-CN': '移除' },
};
const NAMES_SHOWN = 5;

/**
 * A one-paragraph summary of a diff, e.g. for a version published without one.
 * @example
 * summarizeChanges(diffDocuments(v1, v2), 'en')
 * // 'Added field Note (Item). Changed form Item form. Removed flow Welcome.'
 */
export function summarizeChanges(diff: DocumentDiff, locale: Locale = 'en', to?: AppDocument): string {
  const entityName = (id: string | undefined) => {
    const entity = to?.entities.find((e) => e.id === id);
    return entity ? labelFor(entity.label, locale) || id : id;
  };
  const sentences: string[] = [];
  for (const op of ['added', 'changed', 'removed'] as const) {
    const names = diff.changes
      .filter((c) => c.op === op)
      .map((c) => {
        const label = labelFor(c.label, locale) || c.id;
        const owner = c.kind === 'field' ? entityName(c.entityId) : undefined;
        if (c.kind === 'app') return NOUNS.app[locale];
        return locale === 'en'
          ? `${NOUNS[c.kind].en} ${label}${owner ? ` (${owner})` : ''}`
          : `${NOUNS[c.kind]['zh-CN']}「${label}」${owner ? `（${owner}）` : ''}`;
      });
    if (names.length === 0) continue;
    const more = names.length - NAMES_SHOWN;
    const shown = names.slice(0, NAMES_SHOWN).join(locale === 'en' ? ', ' : '、');
    const tail = more > 0 ? (locale === 'en' ? ` and ${more} more` : ` 等 ${names.length} 项`) : '';
    sentences.push(
      `${VERBS[op][locale]}${locale === 'en' ? ' ' : ''}${shown}${tail}${locale === 'en' ? '.' : '。'}`,
    );
  }
  if (sentences.length === 0) return locale === 'en' ? 'No changes.' : '无变更。';
  return sentences.join(locale === 'en' ? ' ' : '');
}
