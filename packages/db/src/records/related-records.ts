import { DougongError, type EntityModel, type Label, physicalNames } from '@dougong/schema';
import { type Expression, type SqlBool, sql } from 'kysely';
import { RECORD_ALIAS as ALIAS, type RecordGate } from './record-gate.js';
import type { RecordReader } from './record-reader.js';
import type { RecordJson } from './row-mapping.js';

/** One related list of a record: its records (a first page) and how many there are. */
export interface RelatedRecordList {
  /** `{entity}.{field}` for a direct reference, the declared id for a list two references away. */
  key: string;
  entity: string;
  field: string;
  through: { entity: string; field: string } | null;
  label: Label;
  total: number;
  totalExact: boolean;
  items: RecordJson[];
  nextCursor: string | null;
}

/** Options of {@link relatedRecords}. */
export interface RelatedOptions {
  /** Records per list (default 5). */
  limit?: number;
  /** Only this list (by key), e.g. to page on with `cursor`. */
  relation?: string;
  cursor?: string;
  /** Whether the caller may read an entity at all; lists of other entities are left out. */
  readable?: (model: EntityModel) => boolean;
}

interface Relation {
  key: string;
  label: Label;
  entity: EntityModel;
  field: string;
  through: { entity: EntityModel; field: string } | null;
}

/**
 * The related records of a record (a 360° view): every entity with a reference field to this one, plus
 * the lists the entity declares two references away (`related`: account → opportunity → follow-up).
 * Each list is counted and paged through the reading entity's own gate (scope and hidden fields); a
 * list whose reference field is hidden from the caller is left out, and so are the records of
 * intermediate records the caller cannot read. The record itself must be readable (404 otherwise).
 */
export async function relatedRecords(
  reader: RecordReader,
  model: EntityModel,
  id: string,
  gate: RecordGate,
  options: RelatedOptions = {},
): Promise<RelatedRecordList[]> {
  const record = await reader.get(model, id, gate);
  const readable = options.readable ?? (() => true);
  const visible = (entity: EntityModel, fieldId: string) => {
    const field = entity.fieldsById.get(fieldId);
    return field !== undefined && readable(entity) && !gate.of(entity).hidden.has(field.key);
  };
  const relations: Relation[] = [];
  for (const entity of reader.app.entitiesById.values()) {
    if (entity.entity.kind === 'child') continue;
    for (const field of entity.storedFields) {
      if (field.type !== 'reference' || field.target !== model.entity.id || !visible(entity, field.id))
        continue;
      relations.push({
        key: `${entity.entity.key}.${field.key}`,
        label: entity.entity.pluralLabel ?? entity.entity.label,
        entity,
        field: field.id,
        through: null,
      });
    }
  }
  for (const list of model.entity.related ?? []) {
    const entity = reader.app.entitiesById.get(list.entity);
    const through = reader.app.entitiesById.get(list.through.entity);
    if (!entity || !through || !visible(entity, list.field) || !visible(through, list.through.field))
      continue;
    relations.push({
      key: list.id,
      label: list.label ?? entity.entity.pluralLabel ?? entity.entity.label,
      entity,
      field: list.field,
      through: { entity: through, field: list.through.field },
    });
  }
  const chosen =
    options.relation === undefined ? relations : relations.filter((r) => r.key === options.relation);
  if (chosen.length === 0 && options.relation !== undefined)
    throw new DougongError('NOT_FOUND', `No related list "${options.relation.slice(0, 64)}".`);
  const lists: RelatedRecordList[] = [];
  for (const relation of chosen) {
    const page = await reader.list(
      relation.entity,
      { limit: options.limit ?? 5, ...(options.cursor !== undefined ? { cursor: options.cursor } : {}) },
      gate.of(relation.entity),
      [predicate(reader, relation, record.id, gate)],
    );
    const key = (entity: EntityModel, fieldId: string) => entity.fieldsById.get(fieldId)!.key;
    lists.push({
      key: relation.key,
      entity: relation.entity.entity.key,
      field: key(relation.entity, relation.field),
      through: relation.through
        ? {
            entity: relation.through.entity.entity.key,
            field: key(relation.through.entity, relation.through.field),
          }
        : null,
      label: relation.label,
      total: page.total,
      totalExact: page.totalExact,
      items: page.items,
      nextCursor: page.nextCursor,
    });
  }
  return lists;
}

/** Rows of the relation's entity that reach `id`, directly or through a readable intermediate record. */
function predicate(
  reader: RecordReader,
  relation: Relation,
  id: string,
  gate: RecordGate,
): Expression<SqlBool> {
  const column = sql.ref(`${ALIAS}.${physicalNames.column(relation.field)}`);
  if (!relation.through) return sql<SqlBool>`${column} = ${id}`;
  const through = relation.through.entity;
  // The inner alias shadows the outer one, so the intermediate entity's read gate applies to it.
  return sql<SqlBool>`${column} in (select ${sql.ref(`${ALIAS}.id`)} from ${reader.table(through)} as ${sql.id(ALIAS)}
    where ${sql.ref(`${ALIAS}.${physicalNames.column(relation.through.field)}`)} = ${id}
      and ${sql.ref(`${ALIAS}.deleted_at`)} is null and ${gate.of(through).read})`;
}
