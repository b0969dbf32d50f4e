import type { AppDocument } from './app-document-schema.js';
import type { CaptureTransform } from './capture-hook-schema.js';
import type { Field } from './field-schema.js';
import { pointer, type ValidationIssue } from './validation-error.js';

/** Field types a capture hook cannot fill: computed values and structures a payload value cannot carry. */
export const NOT_CAPTURED_TYPES: ReadonlySet<Field['type']> = new Set([
  'subTable',
  'attachment',
  'autoNumber',
  'formula',
]);

/**
 * The checks of capture hooks a JSON Schema cannot express: unique hook ids; the entity exists and is a
 * standard one; every mapping target and default names a field of it that can be written (not computed,
 * not a sub-table or attachment), each field filled by one mapping entry at most; an entry without `from`
 * writes a constant; `date` transforms only feed date and date-time fields.
 */
export function captureHookIssues(doc: AppDocument): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const entities = new Map(doc.entities.map((e) => [e.id, e]));
  const ids = new Set<string>();
  (doc.captureHooks ?? []).forEach((hook, h) => {
    const base = pointer('', 'captureHooks', h);
    const add = (path: string, message: string) => issues.push({ path: base + path, message });
    if (ids.has(hook.id)) add('/id', `duplicates capture hook id "${hook.id}"`);
    ids.add(hook.id);
    const entity = entities.get(hook.entity);
    if (!entity || entity.kind === 'child') {
      add('/entity', entity ? 'capture hooks fill standard entities' : `no entity has id "${hook.entity}"`);
      return;
    }
    const fields = new Map(entity.fields.map((f) => [f.id, f]));
    const capturable = (id: string, path: string): Field | undefined => {
      const field = fields.get(id);
      if (!field) add(path, `is not a field id of entity "${entity.id}"`);
      else if (NOT_CAPTURED_TYPES.has(field.type)) add(path, `a ${field.type} field cannot be captured`);
      else return field;
      return undefined;
    };
    const mapped = new Set<string>();
    hook.mapping.forEach((entry, m) => {
      const at = pointer('/mapping', m);
      const field = capturable(entry.to, `${at}/to`);
      if (mapped.has(entry.to)) add(`${at}/to`, `field "${entry.to}" is mapped twice`);
      mapped.add(entry.to);
      const steps: CaptureTransform[] =
        entry.transform === undefined
          ? []
          : Array.isArray(entry.transform)
            ? entry.transform
            : [entry.transform];
      const constant = steps.some((s) => typeof s === 'object' && 'constant' in s);
      if (entry.from === undefined && !constant) add(at, 'needs "from" or a constant transform');
      if (entry.from === undefined && entry.required) add(`${at}/required`, 'needs "from"');
      if (field && steps.includes('date') && field.type !== 'date' && field.type !== 'datetime')
        add(`${at}/transform`, '"date" feeds date and date-time fields only');
    });
    for (const id of Object.keys(hook.defaults ?? {})) capturable(id, pointer('/defaults', id));
  });
  return issues;
}
