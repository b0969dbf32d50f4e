import { formRuleIssues, mergedRecord, optionDefaults, stageGateIssues } from '@dougong/forms';
import type { CurrentUser } from '@dougong/rules';
import {
  type AppModel,
  checkFieldValue,
  DougongError,
  type EntityModel,
  type RecordInput,
} from '@dougong/schema';

/** Who writes, as the form rules see it (a subset of the writer's actor). */
export interface FormRuleActor {
  userId: string | null;
  departmentId?: string | null;
  /** The user as rules see it (departments, roles); else built from `userId` and `departmentId`. */
  user?: CurrentUser;
  /** The form the write came through (public submissions): only its rules apply. */
  form?: string;
}

/**
 * Applies stage-gate defaults (`defaults` of the option a select field enters, for fields the payload
 * leaves out) to the payload, then holds it to the rules of the entity's forms — linkage-required fields and
 * validation rules, with `@dougong/forms`, exactly as the form engine checks them in the browser — and
 * returns the record they were evaluated on (stored values ⊕ payload ⊕ sub-table rows, formulas
 * computed), from which the writer computes the stored formulas. Throws VALIDATION_FAILED with the
 * issues' JSON pointers, then UNPROCESSABLE (422) when a stage gate's required fields are empty.
 */
export function enforceFormRules(
  app: AppModel,
  model: EntityModel,
  input: RecordInput,
  actor: FormRuleActor,
  now: Date,
  previous: Readonly<Record<string, unknown>> | null = null,
): Record<string, unknown> {
  const timeZone = app.timeZone;
  for (const [key, value] of Object.entries(optionDefaults(model, input.values, previous))) {
    const field = model.fieldsByKey.get(key);
    const checked = field && value !== null ? checkFieldValue(field, value, { now, timeZone }) : undefined;
    input.values[key] = checked?.ok ? checked.value : null;
  }
  const record = mergedRecord(model, input, previous, { now, timeZone });
  const user: CurrentUser | undefined =
    actor.user ??
    (actor.userId
      ? { id: actor.userId, departmentIds: actor.departmentId ? [actor.departmentId] : [] }
      : undefined);
  const issues = formRuleIssues(app.document, model, record, {
    previous,
    ...(actor.form !== undefined ? { formId: actor.form } : {}),
    now,
    timeZone,
    ...(user ? { user } : {}),
    locale: 'en',
  });
  if (issues.length > 0) throw new DougongError('VALIDATION_FAILED', undefined, issues);
  const gates = stageGateIssues(model, record, previous, 'en');
  if (gates.length > 0)
    throw new DougongError('UNPROCESSABLE', 'Fill in what the stage requires first.', gates);
  return record;
}
