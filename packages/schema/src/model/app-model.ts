import type { AppDocument } from '../document/app-document-schema.js';
import type { Entity } from '../document/entity-schema.js';
import type { Field } from '../document/field-schema.js';
import { physicalNames, SYSTEM_COLUMNS } from '../document/physical-names.js';
import type { ValueKind } from '../fields/field-type-spec.js';
import { columnTypeOf, valueKindOf } from '../fields/field-types.js';

/** A column an API key maps to: a field's or a system column. */
export interface ColumnInfo {
  key: string;
  column: string;
  kind: ValueKind;
  sqlType: string;
  /** The field, absent for system columns. */
  field?: Field;
  sortable: boolean;
}

/** Everything per-request code needs about an entity, computed once per published document. */
export interface EntityModel {
  readonly appKey: string;
  readonly entity: Entity;
  readonly schemaName: string;
  readonly tableName: string;
  readonly fieldsByKey: ReadonlyMap<string, Field>;
  readonly fieldsById: ReadonlyMap<string, Field>;
  /** Every key usable in filters and sorts: system keys and fields with a column. */
  readonly columnsByKey: ReadonlyMap<string, ColumnInfo>;
  /** Fields with a column of their own, in document order. */
  readonly storedFields: readonly Field[];
  readonly subTables: ReadonlyArray<{ field: Field & { type: 'subTable' }; child: EntityModel }>;
}

/** The model of a whole app. */
export interface AppModel {
  readonly document: AppDocument;
  readonly timeZone: string;
  readonly entitiesByKey: ReadonlyMap<string, EntityModel>;
  readonly entitiesById: ReadonlyMap<string, EntityModel>;
}

const SYSTEM_KINDS: Record<keyof typeof SYSTEM_COLUMNS, { kind: ValueKind; sqlType: string }> = {
  id: { kind: 'uuid', sqlType: 'uuid' },
  version: { kind: 'integer', sqlType: 'integer' },
  createdAt: { kind: 'datetime', sqlType: 'timestamptz' },
  createdBy: { kind: 'uuid', sqlType: 'uuid' },
  updatedAt: { kind: 'datetime', sqlType: 'timestamptz' },
  updatedBy: { kind: 'uuid', sqlType: 'uuid' },
  ownerId: { kind: 'uuid', sqlType: 'uuid' },
  ownerDeptId: { kind: 'uuid', sqlType: 'uuid' },
  deletedAt: { kind: 'datetime', sqlType: 'timestamptz' },
};

const NOT_SORTABLE = new Set(['subTable', 'attachment', 'multiSelect', 'richText', 'longText']);

const cache = new WeakMap<AppDocument, AppModel>();

/** Builds (once per document object) the lookup model of an app. */
export function appModel(doc: AppDocument): AppModel {
  const cached = cache.get(doc);
  if (cached) return cached;
  const byId = new Map<string, EntityModel>();
  const byKey = new Map<string, EntityModel>();
  // Children first, so parents can point at their child models.
  const ordered = [...doc.entities].sort((a, b) => Number(b.kind === 'child') - Number(a.kind === 'child'));
  for (const entity of ordered) {
    const model = entityModel(doc, entity, byId);
    byId.set(entity.id, model);
    byKey.set(entity.key, model);
  }
  const model: AppModel = {
    document: doc,
    timeZone: doc.timeZone ?? 'Asia/Shanghai',
    entitiesByKey: byKey,
    entitiesById: byId,
  };
  cache.set(doc, model);
  return model;
}

function entityModel(doc: AppDocument, entity: Entity, models: Map<string, EntityModel>): EntityModel {
  const columns = new Map<string, ColumnInfo>();
  for (const [key, column] of Object.entries(SYSTEM_COLUMNS)) {
    const info = SYSTEM_KINDS[key as keyof typeof SYSTEM_COLUMNS];
    columns.set(key, { key, column, kind: info.kind, sqlType: info.sqlType, sortable: true });
  }
  const stored: Field[] = [];
  const subTables: Array<{ field: Field & { type: 'subTable' }; child: EntityModel }> = [];
  for (const field of entity.fields) {
    const sqlType = columnTypeOf(field, doc);
    if (sqlType === null) {
      if (field.type === 'subTable') {
        const child = models.get(field.childEntity);
        if (child) subTables.push({ field, child });
      }
      continue;
    }
    stored.push(field);
    columns.set(field.key, {
      key: field.key,
      column: physicalNames.column(field.id),
      kind: valueKindOf(field),
      sqlType,
      field,
      sortable: !NOT_SORTABLE.has(field.type),
    });
  }
  return {
    appKey: doc.key,
    entity,
    schemaName: physicalNames.schema(doc.key),
    tableName: physicalNames.table(entity.id),
    fieldsByKey: new Map(entity.fields.map((f) => [f.key, f])),
    fieldsById: new Map(entity.fields.map((f) => [f.id, f])),
    columnsByKey: columns,
    storedFields: stored,
    subTables,
  };
}
