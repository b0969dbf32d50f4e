import { type AppDocument, type Entity, physicalNames, SYSTEM_COLUMNS } from '@dougong/schema';
import type { IndexSpec } from './plan-types.js';

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

function spec(entity: Entity, columns: IndexSpec['columns'], unique: boolean, fieldId?: string): IndexSpec {
  const table = physicalNames.table(entity.id);
  const signature = `${table}|${columns.map((c) => `${c.column}${c.desc ? ' desc' : ''}`).join(',')}|${unique}`;
  return {
    name: `ix_${entity.id}_${fnv1a(signature)}`,
    table,
    columns,
    unique,
    liveRowsOnly: true,
    ...(fieldId ? { fieldId } : {}),
  };
}

/** Column of a sort key (field id or system key) in an entity, if it is sortable. */
export function sortColumn(entity: Entity, key: string): string | undefined {
  if (key in SYSTEM_COLUMNS) return SYSTEM_COLUMNS[key as keyof typeof SYSTEM_COLUMNS];
  const field = entity.fields.find((f) => f.id === key);
  return field ? physicalNames.column(field.id) : undefined;
}

/**
 * The ORDER BY the list API generates for sort keys: each key in its direction, then `id` in the
 * direction of the last key. Indexes are built from this same function, so they always match.
 */
export function orderColumns(keys: Array<{ column: string; desc: boolean }>): IndexSpec['columns'] {
  const last = keys[keys.length - 1];
  return [...keys, { column: 'id', desc: last?.desc ?? false }];
}

/** Every index an entity's table should have, by name. */
export function desiredIndexes(doc: AppDocument, entity: Entity): Map<string, IndexSpec> {
  const result = new Map<string, IndexSpec>();
  const add = (index: IndexSpec) => result.set(index.name, index);
  if (entity.kind === 'child') {
    add(
      spec(
        entity,
        [
          { column: 'parent_id', desc: false },
          { column: 'sort_order', desc: false },
        ],
        false,
      ),
    );
  } else {
    add(spec(entity, orderColumns([{ column: 'created_at', desc: true }]), false));
    add(spec(entity, orderColumns([{ column: 'updated_at', desc: true }]), false));
    add(spec(entity, [{ column: 'owner_id', desc: false }], false));
  }
  if (entity.defaultSort) {
    const keys = entity.defaultSort.flatMap((k) => {
      const column = sortColumn(entity, k.field);
      return column ? [{ column, desc: k.desc ?? false }] : [];
    });
    if (keys.length > 0) add(spec(entity, orderColumns(keys), false));
  }
  for (const field of entity.fields) {
    const column = physicalNames.column(field.id);
    if ('unique' in field && field.unique) add(spec(entity, [{ column, desc: false }], true, field.id));
    if (field.type === 'reference' || field.type === 'user' || field.type === 'department') {
      add(spec(entity, [{ column, desc: false }], false));
    } else if (field.index) {
      add(spec(entity, orderColumns([{ column, desc: false }]), false));
    }
  }
  void doc;
  return result;
}
