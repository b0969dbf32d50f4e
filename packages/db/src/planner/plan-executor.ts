import { type AppDocument, columnTypeOf, type Field, physicalNames } from '@dougong/schema';
import { type Kysely, sql } from 'kysely';
import { computeFormula } from '../records/formula.js';
import { decodeValue, encodeValue } from '../records/value-codec.js';
import type { IndexSpec, MigrationPlan, PlanStep, StepCheck } from './plan-types.js';
import { conversionSupported, convertStoredValue } from './value-conversion.js';

// biome-ignore lint/suspicious/noExplicitAny: app tables are created at run time
type Db = Kysely<any>;

/** Rows read per round trip when a step must look at every value. */
const SCAN_BATCH = 5000;
const SAMPLE_LIMIT = 50;

/** Context of checking or applying a plan. */
export interface PlanContext {
  doc: AppDocument;
  timeZone: string;
  now: Date;
}

const tableRef = (doc: AppDocument, table: string) => sql.id(physicalNames.schema(doc.key), table);

/**
 * Checks every step against live data without changing anything: conversions value by value, new unique
 * indexes for duplicates, archived fields for how much data they hold. Blocking results stop publishing.
 */
export async function checkPlan(db: Db, plan: MigrationPlan, ctx: PlanContext): Promise<StepCheck[]> {
  const checks: StepCheck[] = [];
  // Tables this plan creates hold no data yet (and do not exist until it is applied).
  const created = new Set(plan.steps.flatMap((s) => (s.kind === 'createTable' ? [s.table] : [])));
  for (const [index, step] of plan.steps.entries()) {
    const table = step.kind === 'createIndex' ? step.index.table : 'table' in step ? step.table : undefined;
    if (table && created.has(table)) continue;
    const check = await checkStep(db, step, index, ctx);
    if (check) checks.push(check);
  }
  return checks;
}

async function checkStep(
  db: Db,
  step: PlanStep,
  index: number,
  ctx: PlanContext,
): Promise<StepCheck | undefined> {
  switch (step.kind) {
    case 'convertColumn': {
      if (!conversionSupported(step.from, step.to)) {
        const total = await countRows(db, ctx.doc, step.table, step.column);
        return {
          step: index,
          blocking: true,
          failing: total,
          recordIds: [],
          message: {
            'zh-CN': `字段类型 ${step.from.type} 不能转换为 ${step.to.type}`,
            en: `A ${step.from.type} field cannot be converted to ${step.to.type}`,
          },
        };
      }
      let failing = 0;
      const samples: Array<{ id: string; value: unknown; reason: string }> = [];
      await scanColumn(db, ctx.doc, step.table, step.column, (id, raw) => {
        const result = convertStoredValue(raw, step.from, step.to, ctx);
        if (!result.ok) {
          failing += 1;
          if (samples.length < SAMPLE_LIMIT)
            samples.push({ id, value: decodeValue(step.from, raw, ctx.timeZone), reason: result.reason });
        }
      });
      if (failing === 0) return undefined;
      return {
        step: index,
        blocking: true,
        failing,
        recordIds: samples.map((s) => s.id),
        samples,
        message: {
          'zh-CN': `${failing} 条记录的值无法转换`,
          en: `${failing} record(s) have values that cannot be converted`,
        },
      };
    }
    case 'createIndex': {
      if (!step.index.unique) return undefined;
      const duplicates = await findDuplicates(db, ctx.doc, step.index);
      if (duplicates.length === 0) return undefined;
      return {
        step: index,
        blocking: true,
        failing: duplicates.length,
        recordIds: duplicates.slice(0, SAMPLE_LIMIT),
        message: {
          'zh-CN': `${duplicates.length} 条记录存在重复值`,
          en: `${duplicates.length} record(s) share a value that must be unique`,
        },
      };
    }
    case 'archiveColumn': {
      const count = await countRows(db, ctx.doc, step.table, step.column);
      if (count === 0) return undefined;
      return {
        step: index,
        blocking: false,
        failing: count,
        recordIds: [],
        message: {
          'zh-CN': `${count} 条记录在该字段有值，数据将保留并隐藏`,
          en: `${count} record(s) hold values in this field; they are kept, hidden`,
        },
      };
    }
    default:
      return undefined;
  }
}

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
      await sql`delete from dougong.archived_columns where app_key = ${doc.key} and entity_id = ${step.entityId} and column_name = ${step.column.column}`.execute(
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
  if (step.fromType !== step.toType) {
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
    if (
      step.fromType !== step.toType ||
      JSON.stringify(result.value) !== JSON.stringify(decodeValue(step.to, raw, ctx.timeZone))
    ) {
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

async function scanColumn(
  db: Db,
  doc: AppDocument,
  table: string,
  column: string,
  visit: (id: string, raw: unknown) => void | Promise<void>,
): Promise<void> {
  let last = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await sql<{
      id: string;
      v: unknown;
    }>`select id, ${sql.id(column)} as v from ${tableRef(doc, table)}
      where ${sql.id(column)} is not null and id > ${last} order by id limit ${SCAN_BATCH}`.execute(db);
    for (const row of rows) await visit(row.id, row.v);
    if (rows.length < SCAN_BATCH) return;
    last = rows[rows.length - 1]!.id;
  }
}

async function countRows(db: Db, doc: AppDocument, table: string, column: string): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from ${tableRef(doc, table)} where ${sql.id(column)} is not null`.execute(db);
  return rows[0]?.n ?? 0;
}

async function findDuplicates(db: Db, doc: AppDocument, index: IndexSpec): Promise<string[]> {
  const cols = index.columns.map((c) => sql.id(c.column));
  const { rows } = await sql<{
    ids: string[];
  }>`select array_agg(id::text order by id) as ids from ${tableRef(doc, index.table)}
    where deleted_at is null and ${sql.join(
      cols.map((c) => sql`${c} is not null`),
      sql` and `,
    )}
    group by ${sql.join(cols)} having count(*) > 1 limit 1000`.execute(db);
  return rows.flatMap((r) => r.ids);
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
