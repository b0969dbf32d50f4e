import type { DuplicateMatch, DuplicateRule } from '../document/entity-schema.js';
import { normalizeCompanyName } from '../values/company-name.js';
import { normalizePhone } from '../values/phone-value.js';
import type { EntityModel } from './app-model.js';

/** Separates the parts of a key made of several fields (a control character no value keeps). */
const PART_SEPARATOR = '\u001f';

const text = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);

const NORMALISERS: Record<DuplicateMatch, (value: string) => string> = {
  exact: (v) => v.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' '),
  // Digits only, after the phone rules (+86 / 0086 dropped from mainland mobiles); short numbers never match.
  phone: (v) => {
    const digits = (normalizePhone(v)?.value ?? v.normalize('NFKC')).replace(/\D/g, '');
    return digits.length >= 5 ? digits : '';
  },
  email: (v) => v.normalize('NFKC').trim().toLowerCase(),
  companyName: (v) => normalizeCompanyName(v),
};

/**
 * The normalised form of one value under a match, or null when the value cannot take part (empty).
 * @example matchValue('phone', '+86 138-0013-8000') // '13800138000'
 * @example matchValue('companyName', '上海 华东机械股份有限公司') // '上海华东机械'
 */
export function matchValue(match: DuplicateMatch, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const normalised = NORMALISERS[match](text(value));
  return normalised === '' ? null : normalised;
}

/**
 * The key of a record under a duplicate rule: its fields' normalised values (by field key in `values`)
 * joined in rule order; null when any of them is empty, so a record without a mobile never matches
 * another by mobile.
 */
export function duplicateKey(
  model: EntityModel,
  rule: DuplicateRule,
  values: Readonly<Record<string, unknown>>,
): string | null {
  const parts: string[] = [];
  for (const fieldId of rule.fields) {
    const field = model.fieldsById.get(fieldId);
    if (!field) return null;
    const part = matchValue(rule.match, values[field.key]);
    if (part === null) return null;
    parts.push(part);
  }
  return parts.join(PART_SEPARATOR);
}

/** The key of a record under every rule of its entity that applies (see {@link duplicateKey}). */
export function duplicateKeys(
  model: EntityModel,
  values: Readonly<Record<string, unknown>>,
): Array<{ ruleId: string; key: string }> {
  return (model.entity.duplicateRules ?? []).flatMap((rule) => {
    const key = duplicateKey(model, rule, values);
    return key === null ? [] : [{ ruleId: rule.id, key }];
  });
}
