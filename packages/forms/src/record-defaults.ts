import { checkFieldValue, dateInZone, type EntityModel, type Field, formatInZone } from '@dougong/schema';

/**
 * The value a new record starts with for a field, as the server fills it on create: its default (`today`
 * and `now` in the app zone, decimals shaped to the field's scale), an empty list for sub-tables and
 * multi-selects without a default, else null.
 */
export function defaultValue(field: Field, now: Date, timeZone: string): unknown {
  if (field.type === 'subTable') return [];
  if (!('default' in field) || field.default === undefined) return null;
  if (field.type === 'date' && field.default === 'today') return dateInZone(now, timeZone);
  if (field.type === 'datetime' && field.default === 'now') return formatInZone(now, timeZone);
  if (field.type === 'number' || field.type === 'money' || field.type === 'percent') {
    const checked = checkFieldValue(field, field.default, { timeZone, now });
    return checked.ok ? checked.value : null;
  }
  return field.default;
}

/** Default values of every field of an entity, by key. */
export function defaultValues(model: EntityModel, now: Date, timeZone: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of model.entity.fields) out[field.key] = defaultValue(field, now, timeZone);
  return out;
}
