import type { DuplicateRule, EntityModel, Field } from '@dougong/schema';
import { sql } from 'kysely';
import { storedKey } from './duplicate-index.js';
import { RECORD_ALIAS as ALIAS, type RecordGate } from './record-gate.js';
import type { RecordReader } from './record-reader.js';

/** A matched record: what an import needs to skip or update it. */
export interface MatchedRecord {
  id: string;
  version: number;
}

/**
 * {@link findMatch} for many keys with one query: for each normalised key, the first live record (by
 * creation, then id) the gate lets the caller read whose `field` matches it.
 *
 * @example await findMatches(reader, lead, mobile, ['13800138000', '13900139000'], gate) // Map key → { id, version }
 */
export async function findMatches(
  reader: RecordReader,
  model: EntityModel,
  field: Field,
  keys: readonly string[],
  gate: RecordGate,
): Promise<Map<string, MatchedRecord>> {
  const info = model.columnsByKey.get(field.key);
  const wanted = [...new Set(keys.filter((k) => k !== ''))];
  if (!info || wanted.length === 0) return new Map();
  const column = sql`${sql.ref(`${ALIAS}.${info.column}`)}::text`;
  const normalised =
    field.type === 'phone'
      ? sql`regexp_replace(regexp_replace(${column}, '[^0-9]', '', 'g'), '^(0086|86)(1[0-9]{10})$', '\\2')`
      : sql`lower(btrim(${column}))`;
  const { rows } = await sql<{ key: string; id: string; version: number }>`select distinct on (${normalised})
      ${normalised} as key, ${sql.ref(`${ALIAS}.id`)} as id, ${sql.ref(`${ALIAS}.version`)} as version
    from ${reader.table(model)} as ${sql.id(ALIAS)}
    where ${sql.ref(`${ALIAS}.deleted_at`)} is null and ${gate.read}
      and ${normalised} in (select jsonb_array_elements_text(cast(${JSON.stringify(wanted)} as jsonb)))
    order by ${normalised}, ${sql.ref(`${ALIAS}.created_at`)}, ${sql.ref(`${ALIAS}.id`)}`.execute(reader.db);
  return new Map(rows.map((r) => [String(r.key), { id: String(r.id), version: Number(r.version) }]));
}

/**
 * {@link findRuleMatch} for many records' values with one query through the match-key index: for each
 * rule key ({@link duplicateKey} of the values), the first readable live record sharing it.
 *
 * @example await findRuleMatches(reader, account, rule, ['上海华东机械'], gate) // Map rule key → { id, version }
 */
export async function findRuleMatches(
  reader: RecordReader,
  model: EntityModel,
  rule: DuplicateRule,
  keys: readonly string[],
  gate: RecordGate,
): Promise<Map<string, MatchedRecord>> {
  const wanted = [...new Set(keys.filter((k) => k !== ''))];
  if (wanted.length === 0) return new Map();
  // The index stores a digest of long keys: look up by it, answer by the rule key.
  const byStored = new Map(wanted.map((k) => [storedKey(k), k]));
  // One index lookup per wanted key (a lateral join), whatever the statistics say about the tables.
  const { rows } = await sql<{
    key: string;
    id: string;
    version: number;
  }>`select w.key as key, m.id, m.version
    from jsonb_array_elements_text(cast(${JSON.stringify([...byStored.keys()])} as jsonb)) as w(key)
    cross join lateral (
      select ${sql.ref(`${ALIAS}.id`)} as id, ${sql.ref(`${ALIAS}.version`)} as version
      from dougong.record_match_keys k
      join ${reader.table(model)} as ${sql.id(ALIAS)} on ${sql.ref(`${ALIAS}.id`)} = k.record_id
      where k.app_key = ${reader.app.document.key} and k.entity_id = ${model.entity.id} and k.rule_id = ${rule.id}
        and k.key = w.key and ${sql.ref(`${ALIAS}.deleted_at`)} is null and ${gate.read}
      order by ${sql.ref(`${ALIAS}.created_at`)}, ${sql.ref(`${ALIAS}.id`)}
      limit 1) m`.execute(reader.db);
  const out = new Map<string, MatchedRecord>();
  for (const r of rows) {
    const key = byStored.get(String(r.key));
    if (key !== undefined) out.set(key, { id: String(r.id), version: Number(r.version) });
  }
  return out;
}
