import { type AppDocument, fieldUsages, type UsageKind } from '@dougong/schema';
import { segments, updateAt } from '../core/pointer.js';

const SCOPES = new Set(['record', 'previous', 'current']);
const FIELD_OPS = new Set(['var', 'old', 'new', 'changed']);
const MUSTACHE = /\{\{\{?([^}]*)\}?\}\}/g;

// `amount` → `total`, `record.amount.x` → `record.total.x`, `current.amount` → `current.total`.
function renamePath(path: string, oldKey: string, newKey: string): string {
  const parts = path.split('.');
  const at = SCOPES.has(parts[0]!) && parts[1] === oldKey ? 1 : parts[0] === oldKey ? 0 : -1;
  if (at < 0) return path;
  parts[at] = newKey;
  return parts.join('.');
}

function renameTemplate(value: unknown, oldKey: string, newKey: string): unknown {
  if (typeof value === 'string') {
    const scoped = new RegExp(
      `((?:^|[\\s(=~#/^])(?:this\\.|@root\\.)?(?:record|previous)\\.)${oldKey}(?![\\w])`,
      'g',
    );
    return value.replace(MUSTACHE, (block: string, inner: string) => {
      const renamed = ` ${inner}`.replace(scoped, `$1${newKey}`).slice(1);
      return renamed === inner ? block : block.replace(inner, renamed);
    });
  }
  if (Array.isArray(value)) {
    const out = value.map((v) => renameTemplate(v, oldKey, newKey));
    return out.every((v, i) => v === value[i]) ? value : out;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, renameTemplate(v, oldKey, newKey)] as const);
    return entries.every(([k, v]) => v === (value as Record<string, unknown>)[k])
      ? value
      : Object.fromEntries(entries);
  }
  return value;
}

// Usages whose path ends in a property name (a written value's key): the map holding it, by usage kind.
const MAP_KEYS: Partial<Record<UsageKind, ReadonlySet<string>>> = {
  flowWrite: new Set(['values']),
  stageGate: new Set(['defaults']),
  recordPool: new Set(['onClaim']),
  conversion: new Set(['values', 'update']),
};

function renameKeyOf(object: unknown, oldKey: string, newKey: string): unknown {
  if (!object || typeof object !== 'object' || Array.isArray(object) || !Object.hasOwn(object, oldKey))
    return object;
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k === oldKey ? newKey : k, v]));
}

/**
 * The document with a field's key renamed everywhere a rule, formula, template, flow write or key list
 * names it — exactly the key usages `fieldUsages` of `@dougong/schema` finds, so nothing it reports is
 * left behind. Ids never change, so layouts, data linkage and field access need nothing. Call it with
 * the document in which the field still has `oldKey`.
 */
export function renameFieldKey(
  doc: AppDocument,
  entityId: string,
  fieldId: string,
  oldKey: string,
  newKey: string,
): AppDocument {
  if (oldKey === newKey) return doc;
  const usages = fieldUsages(doc, [{ kind: 'field', entityId, fieldId, key: oldKey }]).filter(
    (u) => u.target.kind === 'fieldKey',
  );
  let out: unknown = doc;
  for (const usage of usages) {
    const path = segments(usage.path);
    const last = path[path.length - 1] ?? '';
    const parent = path.slice(0, -1);
    if (usage.kind === 'flowTemplate') {
      out = updateAt(out, path, (v) => renameTemplate(v, oldKey, newKey));
    } else if (last === oldKey && MAP_KEYS[usage.kind]?.has(parent[parent.length - 1] ?? '')) {
      out = updateAt(out, parent, (v) => renameKeyOf(v, oldKey, newKey));
    } else if (usage.kind === 'flowQuery' && last === 'sort') {
      out = updateAt(out, path, (v) =>
        typeof v === 'string'
          ? v
              .split(',')
              .map((s) => s.replace(new RegExp(`^(\\s*[-+]?)${oldKey}(\\s*)$`), `$1${newKey}$2`))
              .join(',')
          : v,
      );
    } else {
      out = updateAt(out, path, (v) => {
        if (typeof v === 'string')
          return FIELD_OPS.has(last) || v === oldKey ? renamePath(v, oldKey, newKey) : v;
        if (Array.isArray(v)) {
          const next = v.map((x, i) =>
            typeof x === 'string' && (i === 0 || !FIELD_OPS.has(last)) ? renamePath(x, oldKey, newKey) : x,
          );
          return next.every((x, i) => x === v[i]) ? v : next;
        }
        return v;
      });
    }
  }
  return out as AppDocument;
}
