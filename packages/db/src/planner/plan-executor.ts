import { type AppDocument, columnTypeOf, type Field, physicalNames } from '@dougong/schema';
import { type Kysely, sql } from 'kysely';
import { computeFormula } from '../records/formula.js';
import { decodeValue } from '../records/value-codec.js';
import { type PlanContext, SCAN_BATCH, scanColumn, tableRef } from './column-scan.js';
import { replacesColumn } from './migration-planner.js';
import type { IndexSpec, MigrationPlan, PlanStep } from './plan-types.js';
import { convertStoredValue } from './value-conversion.js';

export type { PlanContext } from './column-scan.js';
export { checkPlan } from './plan-checker.js';

// biome-ignore lint/suspicious/noExplicitAny: app tables are created at run time
type Db = Kysely<any>;

/** Applies a checked plan. Call inside the same transaction that stores the new metadata. */
export async function applyPlan(db: Db, plan: MigrationPlan, ctx: PlanContext): Promise<void> {
  for (const step of plan.steps) await applyStep(db, step, ctx, plan.toVersion);
}

async function applyStep(db: Db, step: PlanStep, ctx: PlanContext, version: number): Promise<void> {
  const { doc } = ctx;
  switch (step.kind) {
    case 'createSchema':
      await sql`create schema if not exists ${sql.id(step.schema)}`.execute(db);
      return;
    case 'createTable': {
      const columns = step.columns.map((c) => sql`${sql.id(c.column)} ${sql.raw(c.sqlType)}`);
      const parent = step.parentTable
        ? [
            sql`parent_id uuid not null references ${tableRef(doc, step.parentTable)} (id) on delete cascade`,
            sql`sort_order integer not null default 0`,
          ]
        : [];
      await sql`create table ${tableRef(doc, step.table)} (
        id uuid primary key default gen_random_uuid(),
        version integer not null default 1,
        created_at timestamptz not null default now(),
        created_by uuid,
        updated_at timestamptz not null default now(),
        updated_by uuid,
        owner_id uuid,
        owner_dept_id uuid,
        deleted_at timestamptz
        ${sql.join([sql``, ...parent, ...columns], sql`, `)}
      )`.execute(db);
      return;
    }
    case 'restoreTable':
      await sql`delete from dougong.archived_columns where app_key = ${doc.key} and entity_id = ${step.entityId} and column_name = '*'`.execute(
        db,
      );
      return;
    case 'archiveTable':
      await sql`insert into dougong.archived_columns (app_key, entity_id, field_id, column_name, definition, archived_in_version)
        values (${doc.key}, ${step.entityId}, '*', '*', ${JSON.stringify(step.definition)}, ${version})
        on conflict (app_key, entity_id, column_name) do update set definition = excluded.definition, archived_at = now()`.execute(
        db,
      );
      return;
    case 'addColumn':
      await sql`alter table ${tableRef(doc, step.table)} add column ${sql.id(step.column.column)} ${sql.raw(step.column.sqlType)}`.execute(
        db,
      );
      return;
    case 'restoreColumn':
      await sql`alter table ${tableRef(doc, step.table)} rename column ${sql.id(step.archivedColumn)} to ${sql.id(step.column.column)}`.execute(
        db,
      );
      await sql`delete from dougong.archived_columns where app_key = ${doc.key} and entity_id = ${step.entityId} and column_name = ${step.archivedColumn}`.execute(
        db,
      );
      return;
    case 'archiveColumn': {
      // The column keeps its data under a versioned name, so the field id can be reused safely.
      const archivedName = `${step.column}__v${version}`;
      await sql`alter table ${tableRef(doc, step.table)} rename column ${sql.id(step.column)} to ${sql.id(archivedName)}`.execute(
        db,
      );
      await archiveRecord(db, doc.key, step.entityId, step.fieldId, archivedName, step.definition, version);
      return;
    }
    case 'convertColumn':
      await convertColumn(db, step, ctx, version);
      return;
    case 'recomputeFormula':
      await recomputeFormula(db, step, ctx);
      return;
    case 'createIndex':
      await createIndex(db, doc, step.index);
      return;
    case 'dropIndex':
      await sql`drop index if exists ${sql.id(physicalNames.schema(doc.key), step.name)}`.execute(db);
      return;
    case 'metadataOnly':
      return;
  }
}

async function archiveRecord(
  db: Db,
  appKey: string,
  entityId: string,
  fieldId: string,
  column: string,
  definition: Field,
  version: number,
) {
  await sql`insert into dougong.archived_columns (app_key, entity_id, field_id, column_name, definition, archived_in_version)
    values (${appKey}, ${entityId}, ${fieldId}, ${column}, ${JSON.stringify(definition)}, ${version})
    on conflict (app_key, entity_id, column_name) do update set definition = excluded.definition, archived_at = now()`.execute(
    db,
  );
}

async function convertColumn(
  db: Db,
  step: Extract<PlanStep, { kind: 'convertColumn' }>,
  ctx: PlanContext,
  version: number,
) {
  const table = tableRef(ctx.doc, step.table);
  let source = step.column;
  // A new field type keeps the old values in an archived column, even when the SQL type is the same
  // (text to single select replaces labels by option ids); see `replacesColumn`.
  const archive = replacesColumn(step);
  if (archive) {
    // Keep the old values: the old column is archived under a versioned name, a new one takes its place.
    source = `${step.column}__v${version}`;
    await sql`alter table ${table} rename column ${sql.id(step.column)} to ${sql.id(source)}`.execute(db);
    await sql`alter table ${table} add column ${sql.id(step.column)} ${sql.raw(step.toType)}`.execute(db);
    await archiveRecord(db, ctx.doc.key, step.entityId, step.fieldId, source, step.from, version);
  }
  const changed: Array<{ id: string; value: unknown }> = [];
  const flush = async () => {
    if (changed.length === 0) return;
    await writeValues(db, table, step.column, step.toType, changed.splice(0));
  };
  await scanColumn(db, ctx.doc, step.table, source, async (id, raw) => {
    const result = convertStoredValue(raw, step.from, step.to, ctx);
    if (!result.ok) throw new Error(`conversion of ${id} failed after its check passed: ${result.reason}`);
    if (archive || JSON.stringify(result.value) !== JSON.stringify(decodeValue(step.to, raw, ctx.timeZone))) {
      changed.push({ id, value: result.value });
      if (changed.length >= 1000) await flush();
    }
  });
  await flush();
}

async function recomputeFormula(
  db: Db,
  step: Extract<PlanStep, { kind: 'recomputeFormula' }>,
  ctx: PlanContext,
) {
  const entity = ctx.doc.entities.find((e) => e.id === step.entityId);
  if (!entity || step.field.type !== 'formula') return;
  const table = tableRef(ctx.doc, step.table);
  const stored = entity.fields.filter((f) => f.type !== 'subTable' && f.id !== step.fieldId);
  let last = '00000000-0000-0000-0000-000000000000';
  const sqlType = columnTypeOf(step.field, ctx.doc) ?? 'text';
  for (;;) {
    const { rows } = await sql<Record<string, unknown>>`select id, ${sql.join(
      stored.map((f) => sql.id(physicalNames.column(f.id))).concat([sql`id`]),
    )} from ${table} where id > ${last} order by id limit ${SCAN_BATCH}`.execute(db);
    if (rows.length === 0) return;
    const updates = rows.map((row) => {
      const values: Record<string, unknown> = {};
      for (const f of stored) values[f.key] = decodeValue(f, row[physicalNames.column(f.id)], ctx.timeZone);
      return { id: String(row.id), value: computeFormula(step.field as Field & { type: 'formula' }, values) };
    });
    await writeValues(db, table, step.column, sqlType, updates);
    last = String(rows[rows.length - 1]!.id);
  }
}

async function writeValues(
  db: Db,
  table: ReturnType<typeof tableRef>,
  column: string,
  sqlType: string,
  rows: Array<{ id: string; value: unknown }>,
) {
  // One statement per batch: values travel as one JSON parameter, cast per column type in SQL.
  const payload = JSON.stringify(
    rows.map((r) => ({ id: r.id, value: r.value instanceof Date ? r.value.toISOString() : r.value })),
  );
  const valueExpr =
    sqlType === 'text[]'
      ? sql`case when x.value is null or x.value = 'null'::jsonb then null else array(select jsonb_array_elements_text(x.value)) end`
      : sqlType === 'jsonb'
        ? sql`case when x.value = 'null'::jsonb then null else x.value end`
        : sql`cast(x.value #>> '{}' as ${sql.raw(sqlType)})`;
  await sql`update ${table} as t set ${sql.id(column)} = ${valueExpr}
    from jsonb_to_recordset(cast(${payload} as jsonb)) as x(id uuid, value jsonb) where t.id = x.id`.execute(
    db,
  );
}

async function createIndex(db: Db, doc: AppDocument, index: IndexSpec): Promise<void> {
  const columns = index.columns.map((c) =>
    c.desc ? sql`${sql.id(c.column)} desc` : sql`${sql.id(c.column)}`,
  );
  const where = index.liveRowsOnly ? sql` where deleted_at is null` : sql``;
  const unique = index.unique ? sql`unique ` : sql``;
  await sql`create ${unique}index if not exists ${sql.id(index.name)} on ${tableRef(doc, index.table)} (${sql.join(columns)})${where}`.execute(
    db,
  );
}
