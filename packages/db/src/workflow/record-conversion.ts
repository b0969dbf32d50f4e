import { evaluateRule, truthy } from '@dougong/rules';
import {
  type AppModel,
  type Conversion,
  DougongError,
  type EntityModel,
  normalizeCompanyName,
  normalizePhone,
  UUID_PATTERN,
} from '@dougong/schema';
import { sql } from 'kysely';
import { OPEN_GATE, RECORD_ALIAS, type RecordGate } from '../records/record-gate.js';
import type { Db } from '../records/record-reader.js';
import { type Actor, RecordRepository } from '../records/record-repository.js';
import type { RecordJson } from '../records/row-mapping.js';

/** One target of a conversion's result. */
export interface ConvertedTarget {
  entity: string;
  /** The created or matched record's id; null when the target was skipped (`when` false). */
  id: string | null;
  /** An existing record was used instead of creating one. */
  matched: boolean;
  created: boolean;
  /** The record as the caller may see it (null when skipped or not readable). */
  record: RecordJson | null;
}

/** What a conversion did (or, with `dryRun`, would do: the same work, rolled back). */
export interface ConversionResult {
  conversion: string;
  dryRun: boolean;
  source: RecordJson;
  targets: Record<string, ConvertedTarget>;
  /** Re-pointed records per entity key. */
  relinked: Record<string, number>;
}

/** The caller: their gates per entity and the actor their writes are made as. */
export interface ConversionCaller {
  gateOf(model: EntityModel): RecordGate;
  actor: Actor;
}

class DryRun extends Error {
  constructor(readonly result: ConversionResult) {
    super('dry run');
  }
}

/**
 * Converts a record with one of its entity's `conversions`, in one transaction: checks the conversion's
 * `when` (422), then per target finds a matching record (`match`, e.g. the same normalised company
 * name, among all live records so no duplicate customer is made) or creates one with the caller's
 * rights (403 without `create`), re-points the source's related records (`relink`, as the caller but
 * regardless of their row scope) and writes `update` to the source with the caller's rights. With
 * `dryRun` everything is done and then rolled back, so the preview is exact.
 * @example await convertRecord(db, app, lead, id, 'to_customer', caller, { dryRun: true })
 */
export async function convertRecord(
  db: Db,
  app: AppModel,
  model: EntityModel,
  id: string,
  conversionId: string,
  caller: ConversionCaller,
  request: { dryRun?: boolean; input?: Record<string, unknown> } = {},
): Promise<ConversionResult> {
  const conversion = model.entity.conversions?.find((c) => c.id === conversionId);
  if (!conversion)
    throw new DougongError('NOT_FOUND', `${model.entity.key} has no conversion "${conversionId}".`);
  if (!UUID_PATTERN.test(id)) throw new DougongError('NOT_FOUND', 'No such record.');
  const gate = caller.gateOf(model);
  if (!gate.update) throw new DougongError('FORBIDDEN', `You may not convert ${model.entity.key} records.`);
  const ctx = { now: caller.actor.now ?? new Date(), timeZone: app.timeZone };
  try {
    return await db.transaction().execute(async (trx) => {
      const repo = new RecordRepository(trx, app);
      const source = await repo.get(model, id, gate);
      const input = request.input ?? {};
      const targets: Record<string, RecordJson | null> = {};
      const scope = () => ({ source, targets, input });
      if (conversion.when !== undefined && !truthy(evaluateRule(conversion.when, { source }, ctx)))
        throw new DougongError('UNPROCESSABLE', `This ${model.entity.key} cannot be converted now.`, [
          { path: '', message: 'does not meet the conversion’s condition' },
        ]);
      const result: ConversionResult = {
        conversion: conversion.id,
        dryRun: request.dryRun === true,
        source,
        targets: {},
        relinked: {},
      };
      for (const [t, target] of conversion.targets.entries()) {
        const other = app.entitiesById.get(target.entity)!;
        const otherGate = caller.gateOf(other);
        if (target.when !== undefined && !truthy(evaluateRule(target.when, scope(), ctx))) {
          targets[target.id] = null;
          result.targets[target.id] = {
            entity: other.entity.key,
            id: null,
            matched: false,
            created: false,
            record: null,
          };
          continue;
        }
        const found = target.match ? await findExisting(trx, other, target.match, scope(), ctx) : null;
        if (found) {
          const full = await repo.get(other, found);
          targets[target.id] = full;
          const visible = await repo.get(other, found, otherGate).catch(() => null);
          result.targets[target.id] = {
            entity: other.entity.key,
            id: found,
            matched: true,
            created: false,
            record: visible,
          };
          continue;
        }
        const values = evaluateAll(target.values, scope(), ctx);
        const created = await repo
          .create(other, values, caller.actor, otherGate)
          .catch((error) => rethrowAt(error, `/targets/${t}`));
        targets[target.id] = created;
        result.targets[target.id] = {
          entity: other.entity.key,
          id: created.id,
          matched: false,
          created: true,
          record: created,
        };
      }
      for (const relink of conversion.relink ?? []) {
        const other = app.entitiesById.get(relink.entity)!;
        const field = other.columnsByKey.get(relink.field)!;
        const { rows } = await sql<{ id: string; version: number }>`select id, version
          from ${sql.id(other.schemaName, other.tableName)} where ${sql.ref(field.column)} = ${id} and deleted_at is null
          order by created_at, id`.execute(trx);
        for (const row of rows) {
          const record = await repo.get(other, String(row.id));
          const values = evaluateAll(relink.values, { ...scope(), record }, ctx);
          await repo.update(other, String(row.id), values, caller.actor, Number(row.version), OPEN_GATE);
        }
        result.relinked[other.entity.key] = (result.relinked[other.entity.key] ?? 0) + rows.length;
      }
      if (conversion.update) {
        const fresh = await repo.get(model, id);
        const values = evaluateAll(conversion.update, scope(), ctx);
        await repo
          .update(model, id, values, caller.actor, Number(fresh.version), gate)
          .catch((error) => rethrowAt(error, '/source'));
      }
      result.source = await repo.get(model, id, gate);
      if (request.dryRun) throw new DryRun(result);
      return result;
    });
  } catch (error) {
    if (error instanceof DryRun) return error.result;
    throw error;
  }
}

function evaluateAll(
  values: Readonly<Record<string, unknown>>,
  data: unknown,
  ctx: { now: Date; timeZone: string },
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, expression] of Object.entries(values)) out[key] = evaluateRule(expression, data, ctx);
  return out;
}

// Errors of a target's write keep their field pointers, under the target they belong to.
function rethrowAt(error: unknown, prefix: string): never {
  if (error instanceof DougongError && error.details.length > 0)
    throw new DougongError(
      error.code,
      error.message,
      error.details.map((d) => ({ ...d, path: `${prefix}${d.path}` })),
      error.extra,
    );
  throw error;
}

// Punctuation a company name may carry besides ASCII (after NFKC): the SQL side of normalizeCompanyName.
const CJK_NOISE = '、。，．·•“”‘’《》【】〈〉「」『』〔〕…—～￥';

/**
 * The oldest live record of `model` whose `match.field` equals the match value, normalised as asked.
 * Company names are narrowed in SQL (NFKC, lower case, punctuation and spaces removed, prefix match)
 * and confirmed with normalizeCompanyName itself.
 */
async function findExisting(
  trx: Db,
  model: EntityModel,
  match: NonNullable<Conversion['targets'][number]['match']>,
  data: unknown,
  ctx: { now: Date; timeZone: string },
): Promise<string | null> {
  const raw = evaluateRule(match.value, data, ctx);
  if (raw === null || raw === undefined || raw === '') return null;
  const info = model.columnsByKey.get(match.field);
  if (!info) return null;
  const column = sql`${sql.ref(`${RECORD_ALIAS}.${info.column}`)}::text`;
  const from = sql`from ${sql.id(model.schemaName, model.tableName)} as ${sql.id(RECORD_ALIAS)}
    where ${sql.ref(`${RECORD_ALIAS}.deleted_at`)} is null`;
  const order = sql`order by ${sql.ref(`${RECORD_ALIAS}.created_at`)}, ${sql.ref(`${RECORD_ALIAS}.id`)}`;
  const normalize = match.normalize ?? 'text';
  if (normalize === 'companyName') {
    const key = normalizeCompanyName(String(raw));
    if (key === '') return null;
    const squeezed = sql`regexp_replace(lower(normalize(${column}, NFKC)), ${`[[:space:][:punct:]${CJK_NOISE}]`}, '', 'g')`;
    const like = `${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const { rows } = await sql<{
      id: string;
      value: string;
    }>`select ${sql.ref(`${RECORD_ALIAS}.id`)} as id, ${column} as value
      ${from} and ${squeezed} like ${like} ${order} limit 200`.execute(trx);
    return rows.find((r) => normalizeCompanyName(r.value) === key)?.id ?? null;
  }
  const [side, value] =
    normalize === 'phone'
      ? [
          sql`regexp_replace(regexp_replace(${column}, '[^0-9]', '', 'g'), '^(0086|86)(1[0-9]{10})$', '\\2')`,
          digits(String(raw)),
        ]
      : [sql`lower(btrim(${column}))`, String(raw).trim().toLowerCase()];
  const { rows } = await sql<{ id: string }>`select ${sql.ref(`${RECORD_ALIAS}.id`)} as id ${from}
    and ${side} = ${value} ${order} limit 1`.execute(trx);
  return rows[0] ? String(rows[0].id) : null;
}

function digits(phone: string): string {
  const normalized = normalizePhone(phone);
  const only = (typeof normalized === 'string' ? normalized : phone).replace(/[^0-9]/g, '');
  return only.replace(/^(0086|86)(1[0-9]{10})$/, '$2');
}
