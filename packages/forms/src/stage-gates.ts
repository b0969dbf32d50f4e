import {
  type EntityModel,
  type Field,
  type Locale,
  labelFor,
  pointer,
  type SelectOption,
  type ValidationIssue,
} from '@dougong/schema';

const isEmpty = (value: unknown) =>
  value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);

type GatedField = Extract<Field, { type: 'singleSelect' }>;

function gatedFields(model: EntityModel): GatedField[] {
  return model.entity.fields.filter(
    (f): f is GatedField => f.type === 'singleSelect' && f.options.some((o) => o.requires || o.defaults),
  );
}

/** The option a record is on for a gated field. */
function optionOf(field: GatedField, value: unknown): SelectOption | undefined {
  return typeof value === 'string' ? field.options.find((o) => o.id === value) : undefined;
}

/**
 * The fields the record's current options require (stage gates), for forms to show as required.
 * @example stageRequirements(opportunity, { stage: 'proposal' }) // Set { 'needsReport' }
 */
export function stageRequirements(
  model: EntityModel,
  record: Readonly<Record<string, unknown>>,
): Set<string> {
  const keys = new Set<string>();
  for (const field of gatedFields(model))
    for (const key of optionOf(field, record[field.key])?.requires ?? []) keys.add(key);
  return keys;
}

/**
 * Stage gates a write breaks: for each single-select field entering an option (created on it, or
 * changed to it), every field the option `requires` must be non-empty in the record as written.
 * Paths are JSON Pointers of the missing fields.
 * @example stageGateIssues(opp, { stage: 'proposal', needsReport: [] }, { stage: 'needs' }, 'en')
 * // [{ path: '/needsReport', message: 'is required to enter “Proposal / quote”' }]
 */
export function stageGateIssues(
  model: EntityModel,
  record: Readonly<Record<string, unknown>>,
  previous: Readonly<Record<string, unknown>> | null | undefined,
  locale: Locale,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const field of gatedFields(model)) {
    const option = optionOf(field, record[field.key]);
    if (!option?.requires || (previous && previous[field.key] === option.id)) continue;
    const name = labelFor(option.label, locale);
    for (const key of option.requires)
      if (isEmpty(record[key]))
        issues.push({
          path: pointer('', key),
          message: locale === 'en' ? `is required to enter “${name}”` : `进入“${name}”前必须填写`,
        });
  }
  return issues;
}

/**
 * The option defaults a write takes: for each single-select field the payload moves to a new option
 * (or sets on create), the option's `defaults` for fields the payload does not set itself.
 * @example optionDefaults(opp, { stage: 'proposal' }, { stage: 'needs' }) // { probability: '50' }
 */
export function optionDefaults(
  model: EntityModel,
  values: Readonly<Record<string, unknown>>,
  previous: Readonly<Record<string, unknown>> | null | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of gatedFields(model)) {
    if (!(field.key in values)) continue;
    const option = optionOf(field, values[field.key]);
    if (!option?.defaults || (previous && previous[field.key] === option.id)) continue;
    for (const [key, value] of Object.entries(option.defaults)) if (!(key in values)) out[key] = value;
  }
  return out;
}
