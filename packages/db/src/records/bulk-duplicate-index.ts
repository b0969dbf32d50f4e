import { type AppModel, DougongError, duplicateKey, type EntityModel } from '@dougong/schema';
import { sql } from 'kysely';
import { storedKey } from './duplicate-index.js';
import type { Db } from './record-reader.js';
import { settleInOrder } from './settle-in-order.js';

/**
 * {@link indexDuplicates} for many new records of one entity at once, with the same outcome as
 * creating them one by one in the given order: their match keys are stored, each is linked to the
 * live records (already stored, or earlier in the list) that share a key (at most 50 per rule), a
 * `block` rule refuses the batch (409 naming the record and the rule's first field). The same advisory
 * locks as single writes serialise concurrent writers of a key.
 */
export async function indexDuplicatesBulk(
  trx: Db,
  app: AppModel,
  model: EntityModel,
  records: ReadonlyArray<{ id: string; values: Readonly<Record<string, unknown>>; now: Date }>,
): Promise<void> {
  const rules = model.entity.duplicateRules ?? [];
  if (rules.length === 0 || records.length === 0) return;
  const appKey = app.document.key;
  const entityId = model.entity.id;
  const keys = records.flatMap((record) =>
    rules.flatMap((rule) => {
      const key = duplicateKey(model, rule, record.values);
      return key === null ? [] : [{ record_id: record.id, rule_id: rule.id, key: storedKey(key) }];
    }),
  );
  if (keys.length === 0) return;
  const keysJson = JSON.stringify(keys);
  const locks = [...new Set(keys.map((k) => `${appKey}/${entityId}/${k.rule_id}/${k.key}`))].sort();
  // Sent without waiting: the statements after it queue behind it on the connection.
  const locked = sql`select count(pg_advisory_xact_lock(hashtextextended(k, 0)))
    from (select k from json_array_elements_text(cast(${JSON.stringify(locks)} as json)) as k order by k) l`.execute(
    trx,
  );
  const stored = sql`insert into dougong.record_match_keys (app_key, entity_id, record_id, rule_id, key)
    select ${appKey}, ${entityId}, record_id, rule_id, key
    from json_to_recordset(cast(${keysJson} as json)) as x(record_id uuid, rule_id text, key text)`.execute(
    trx,
  );
  // The new keys (as just stored, taken from the statement rather than read back from the table) with
  // their record's position in the batch and their rule's position (materialised CTEs, read once per
  // statement); `o` maps the batch's record ids to positions.
  const ids = `{${records.map((r) => r.id).join(',')}}`;
  const ats = `{${records.map((r) => r.now.toISOString()).join(',')}}`;
  const ruleIds = `{${rules.map((r) => r.id).join(',')}}`;
  const batch = sql`with x as materialized (
      select id, at, cast(ord - 1 as integer) as ord
      from rows from (unnest(cast(${ids} as uuid[])), unnest(cast(${ats} as timestamptz[]))) with ordinality as x(id, at, ord)),
    n as materialized (
      select k.record_id, k.rule_id, k.key, x.ord,
        cast(array_position(cast(${ruleIds} as text[]), k.rule_id) - 1 as integer) as rule_ord, x.at
      from json_to_recordset(cast(${keysJson} as json)) as k(record_id uuid, rule_id text, key text)
        join x on x.id = k.record_id),
    o as materialized (select jsonb_object_agg(cast(id as text), ord) as ords from x)`;
  // Pairs of a new key `n` and a live record sharing it: not `n`'s record itself, and not one created
  // after it in this batch; the first 50 by record id. A lateral index lookup per new key, so the plan
  // does not depend on statistics (a large import fills tables faster than they are analysed). Only
  // live records have match keys (a delete removes them, a restore puts them back), so the records'
  // table is not read.
  const pairs = sql`${batch}, pairs as (
      select n.record_id, n.rule_id, n.ord, n.rule_ord, n.at, m.other
      from n cross join lateral (
        select k.record_id as other
        from dougong.record_match_keys k
        where k.app_key = ${appKey} and k.entity_id = ${entityId} and k.rule_id = n.rule_id and k.key = n.key
          and k.record_id <> n.record_id
          and coalesce(cast((select ords from o) ->> cast(k.record_id as text) as integer), -1) < n.ord
        order by k.record_id
        limit 50) m)`;
  const blocking = rules.filter((r) => r.onDuplicate === 'block').map((r) => r.id);
  if (blocking.length > 0) {
    await settleInOrder([locked, stored]);
    const { rows } = await sql<{ ord: number; rule_id: string }>`${pairs} select ord, rule_id from pairs
      where rule_id = any(select jsonb_array_elements_text(cast(${JSON.stringify(blocking)} as jsonb)))
      order by ord limit 1`.execute(trx);
    if (rows[0]) {
      const rule = rules.find((r) => r.id === rows[0]!.rule_id)!;
      const field = model.fieldsById.get(rule.fields[0]!);
      throw new DougongError('UNIQUE_VIOLATION', undefined, [
        {
          path: `/${rows[0].ord}${field ? `/${field.key}` : ''}`,
          message: `matches an existing record (duplicate rule "${rule.id}")`,
        },
      ]);
    }
  }
  const linking = rules.filter((r) => r.onDuplicate !== 'block').map((r) => r.id);
  if (linking.length === 0) return settleInOrder([locked, stored]);
  // At most 50 links per record and rule, as a single write makes. A pair that several rules match is
  // linked once, under the first rule, as a single write's `on conflict do nothing` leaves it. No link
  // can name a record this batch creates yet, so the insert needs no conflict clause (a speculative
  // insert per row cost 7 of 50 ms in a late batch of a 100,000-lead import).
  const linked =
    sql`insert into dougong.duplicate_links (app_key, entity_id, record_id, duplicate_of, rule_id, created_at)
    ${pairs} select ${appKey}, ${entityId}, record_id, other, rule_id, at from (
      select distinct on (record_id, other) record_id, other, rule_id, at, ord, rule_ord from pairs
      where rule_id = any(select jsonb_array_elements_text(cast(${JSON.stringify(linking)} as jsonb)))
      order by record_id, other, rule_ord) p
    order by ord, rule_ord`.execute(trx);
  await settleInOrder([locked, stored, linked]);
}
