import type { CurrentUser } from '@dougong/rules';
import {
  type AppDocument,
  type EntityModel,
  type Locale,
  type ValidationIssue,
  validateRecordInput,
} from '@dougong/schema';
import { formRuleIssues, mergedRecord } from './record-rules.js';

/** Options of {@link recordPayloadIssues}. */
export interface RecordCheckOptions {
  readonly now: Date;
  readonly timeZone: string;
  readonly user?: CurrentUser;
  /** Messages of form rules in this locale (record-validator messages are English). */
  readonly locale: Locale;
  /** `update` checks a partial payload (no required fields; form rules need the stored record, so none). */
  readonly mode?: 'create' | 'update';
}

/**
 * What the write path would refuse in a create payload without touching a database: the record
 * validator's issues, else the rules of the entity's forms — the checks a preview can make. Unique
 * values, references and permissions need the database and are left to the write.
 * @example recordPayloadIssues(doc, lead, { mobile: '123' }, { now, timeZone, locale: 'en' })
 * // [{ path: '/mobile', message: 'must be a mainland mobile …' }]
 */
export function recordPayloadIssues(
  doc: AppDocument,
  model: EntityModel,
  payload: unknown,
  options: RecordCheckOptions,
): ValidationIssue[] {
  const { now, timeZone } = options;
  const mode = options.mode ?? 'create';
  const checked = validateRecordInput(model, payload, { mode, timeZone, now });
  if (!checked.ok) return checked.issues;
  if (mode === 'update') return [];
  const user = options.user ? { user: options.user } : {};
  const record = mergedRecord(model, checked.record, null, { now, timeZone, ...user });
  return formRuleIssues(doc, model, record, {
    previous: null,
    now,
    timeZone,
    locale: options.locale,
    ...user,
  });
}
