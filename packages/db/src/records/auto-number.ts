import {
  autoNumberPeriod,
  dateInZone,
  type FieldOf,
  formatAutoNumber,
  parseAutoNumberPattern,
} from '@dougong/schema';
import { type Kysely, sql } from 'kysely';

/**
 * Takes the next number of an auto-number field inside the caller's transaction. The counter row stays
 * locked until commit, so concurrent inserts queue, and a rollback returns the number: no gaps, no
 * duplicates.
 */
export async function nextAutoNumber(
  // biome-ignore lint/suspicious/noExplicitAny: system tables by name
  trx: Kysely<any>,
  appKey: string,
  entityId: string,
  field: FieldOf<'autoNumber'>,
  now: Date,
  timeZone: string,
): Promise<string> {
  const pattern = parseAutoNumberPattern(field.pattern);
  if (!pattern.ok) throw new Error(`invalid auto-number pattern on ${field.id}: ${pattern.message}`);
  const localDate = dateInZone(now, timeZone);
  const period = autoNumberPeriod(pattern, localDate);
  const { rows } = await sql<{ value: number }>`
    insert into dougong.auto_number_counters as c (app_key, entity_id, field_id, period, value)
    values (${appKey}, ${entityId}, ${field.id}, ${period}, 1)
    on conflict (app_key, entity_id, field_id, period) do update set value = c.value + 1
    returning c.value`.execute(trx);
  return formatAutoNumber(pattern, localDate, Number(rows[0]!.value));
}
