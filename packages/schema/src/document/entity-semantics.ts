import type { AppDocument } from './app-document-schema.js';
import type { DuplicateMatch, Entity } from './entity-schema.js';
import type { FieldType } from './field-schema.js';
import { pointer, type ValidationIssue } from './validation-error.js';

/** Field types each duplicate match can compare. */
export const DUPLICATE_MATCH_TYPES: Record<DuplicateMatch, ReadonlySet<FieldType>> = {
  exact: new Set<FieldType>([
    'text',
    'email',
    'phone',
    'url',
    'number',
    'money',
    'percent',
    'date',
    'boolean',
    'singleSelect',
    'reference',
    'user',
    'department',
    'region',
    'autoNumber',
    'formula',
  ]),
  phone: new Set<FieldType>(['phone', 'text']),
  email: new Set<FieldType>(['email', 'text']),
  companyName: new Set<FieldType>(['text']),
};

/**
 * Issues of an entity's duplicate rules and related lists that JSON Schema cannot express: unique
 * rule ids, fields that exist and fit the match, references that really point along the declared path.
 */
export function entityRuleIssues(doc: AppDocument, entity: Entity, base: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const rules = entity.duplicateRules ?? [];
  if (rules.length > 0 && entity.kind === 'child')
    add(pointer(base, 'duplicateRules'), 'child entities take no duplicate rules');
  const ruleIds = new Set<string>();
  rules.forEach((rule, r) => {
    const ruleBase = pointer(base, 'duplicateRules', r);
    if (ruleIds.has(rule.id)) add(`${ruleBase}/id`, `duplicates rule id "${rule.id}"`);
    ruleIds.add(rule.id);
    rule.fields.forEach((fieldId, f) => {
      const field = entity.fields.find((x) => x.id === fieldId);
      if (!field) add(pointer(ruleBase, 'fields', f), 'is not a field id of this entity');
      else if (!DUPLICATE_MATCH_TYPES[rule.match].has(field.type))
        add(pointer(ruleBase, 'fields', f), `a ${field.type} field cannot be matched as ${rule.match}`);
    });
  });
  const relatedIds = new Set<string>();
  (entity.related ?? []).forEach((list, i) => {
    const listBase = pointer(base, 'related', i);
    if (relatedIds.has(list.id)) add(`${listBase}/id`, `duplicates related list id "${list.id}"`);
    relatedIds.add(list.id);
    const through = doc.entities.find((e) => e.id === list.through.entity);
    const first = through?.fields.find((f) => f.id === list.through.field);
    if (!through || through.kind === 'child') add(`${listBase}/through/entity`, 'is not a standard entity');
    else if (first?.type !== 'reference' || first.target !== entity.id)
      add(`${listBase}/through/field`, `is not a reference field of ${through.id} to this entity`);
    const target = doc.entities.find((e) => e.id === list.entity);
    const second = target?.fields.find((f) => f.id === list.field);
    if (!target || target.kind === 'child') add(`${listBase}/entity`, 'is not a standard entity');
    else if (second?.type !== 'reference' || second.target !== list.through.entity)
      add(`${listBase}/field`, `is not a reference field of ${target.id} to ${list.through.entity}`);
  });
  return issues;
}
