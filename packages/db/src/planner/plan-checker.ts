import type { AppDocument } from '@dougong/schema';
import { type Kysely, sql } from 'kysely';
import { decodeValue } from '../records/value-codec.js';
import { type PlanContext, scanColumn, tableRef } from './column-scan.js';
import type { IndexSpec, MigrationPlan, PlanStep, StepCheck } from './plan-types.js';
import { conversionSupported, convertStoredValue } from './value-conversion.js';

// biome-ignore lint/suspicious/noExplicitAny: app tables are created at run time
type Db = Kysely<any>;
type ConvertStep = Extract<PlanStep, { kind: 'convertColumn' }>;

const SAMPLE_LIMIT = 50;

/**
 * Checks every step against live data without changing anything: conversions value by value, new unique
 * indexes for duplicates, archived fields for how much data they hold. Blocking results stop publishing.
 */
export async function checkPlan(db: Db, plan: MigrationPlan, ctx: PlanContext): Promise<StepCheck[]> {
  const checks: StepCheck[] = [];
  // Tables this plan creates hold no data yet (and do not exist until it is applied).
  const created = new Set(plan.steps.flatMap((s) => (s.kind === 'createTable' ? [s.table] : [])));
  // Before applying, a column this plan restores still has its archived name.
  const restored = new Map(
    plan.steps.flatMap((s) =>
      s.kind === 'restoreColumn' ? [[`${s.table}/${s.column.column}`, s.archivedColumn] as const] : [],
    ),
  );
  // Converted columns by `table/column`: a new unique index over them must hold for the converted values.
  const converted = new Map(
    plan.steps.flatMap((s) =>
      s.kind === 'convertColumn'
        ? [
            [
              `${s.table}/${s.column}`,
              { ...s, column: restored.get(`${s.table}/${s.column}`) ?? s.column },
            ] as const,
          ]
        : [],
    ),
  );
  for (const [index, step] of plan.steps.entries()) {
    const table = step.kind === 'createIndex' ? step.index.table : 'table' in step ? step.table : undefined;
    if (table && created.has(table)) continue;
    const live = step.kind === 'convertColumn' ? restored.get(`${step.table}/${step.column}`) : undefined;
    const checked: PlanStep = step.kind === 'convertColumn' && live ? { ...step, column: live } : step;
    const check = await checkStep(db, checked, index, ctx, converted);
    if (check) checks.push(check);
  }
  return checks;
}

async function checkStep(
  db: Db,
  step: PlanStep,
  index: number,
  ctx: PlanContext,
  converted: ReadonlyMap<string, ConvertStep>,
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
      const [only, ...more] = step.index.columns;
      const convert =
        only && more.length === 0 ? converted.get(`${step.index.table}/${only.column}`) : undefined;
      const duplicates = convert
        ? await findConvertedDuplicates(db, convert, ctx)
        : await findDuplicates(db, ctx.doc, step.index);
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

async function countRows(db: Db, doc: AppDocument, table: string, column: string): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from ${tableRef(doc, table)} where ${sql.id(column)} is not null`.execute(db);
  return rows[0]?.n ?? 0;
}

/** Ids of live rows whose values, once converted, are equal (values that cannot convert are checked elsewhere). */
async function findConvertedDuplicates(db: Db, step: ConvertStep, ctx: PlanContext): Promise<string[]> {
  const groups = new Map<string, string[]>();
  const visit = (id: string, raw: unknown) => {
    const result = convertStoredValue(raw, step.from, step.to, ctx);
    if (!result.ok || result.value === null) return;
    const key = JSON.stringify(result.value);
    groups.set(key, [...(groups.get(key) ?? []), id]);
  };
  await scanColumn(db, ctx.doc, step.table, step.column, visit, true);
  return [...groups.values()].filter((ids) => ids.length > 1).flat();
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
