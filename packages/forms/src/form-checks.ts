import { type CheckField, type CheckIssue, checkRule, type FieldKind } from '@dougong/rules';
import {
  type AppDocument,
  appModel,
  type EntityModel,
  pointer,
  type ValidationIssue,
  valueKindOf,
} from '@dougong/schema';
import { fieldNodes } from './form-layout.js';
import { WIDGETS_BY_TYPE } from './widgets.js';

/**
 * The checks of forms that need the rule engine: every linkage condition and set value, every validation
 * `when` and `condition`, checked with `checkRule` against the fields of the entity (or of the sub-table
 * row the rule runs in); and every widget suits its field's type. Run it with the document validator
 * (the app store does before saving a draft). Paths point into the document.
 * @example checkFormRules(doc) // [{ path: '/forms/0/linkage/1/when/==/0/var', message: 'unknown_field: …' }]
 */
export function checkFormRules(doc: AppDocument): ValidationIssue[] {
  const app = appModel(doc);
  const issues: ValidationIssue[] = [];
  (doc.forms ?? []).forEach((form, f) => {
    const model = app.entitiesById.get(form.entity);
    if (!model) return; // reported by the document validator
    const base = pointer('', 'forms', f);
    const report = (path: string, found: readonly CheckIssue[]) => {
      for (const issue of found)
        issues.push({ path: path + issue.path, message: `${issue.code}: ${issue.message}` });
    };
    const fieldsOf = (subTable: string | undefined): CheckField[] | undefined => {
      if (subTable === undefined) return ruleCheckFields(model);
      const child = model.subTables.find((s) => s.field.key === subTable)?.child;
      return child ? ruleCheckFields(child) : undefined;
    };
    (form.linkage ?? []).forEach((rule, r) => {
      const fields = fieldsOf(rule.subTable);
      if (!fields) return;
      const at = pointer(base, 'linkage', r);
      report(`${at}/when`, checkRule(rule.when, { fields, context: 'linkage' }));
      if (rule.value !== undefined)
        report(`${at}/value`, checkRule(rule.value, { fields, context: 'linkage' }));
    });
    (form.validation ?? []).forEach((rule, r) => {
      const fields = fieldsOf(rule.subTable);
      if (!fields) return;
      const at = pointer(base, 'validation', r);
      if (rule.when !== undefined)
        report(`${at}/when`, checkRule(rule.when, { fields, context: 'validation' }));
      report(`${at}/condition`, checkRule(rule.condition, { fields, context: 'validation' }));
    });
    const nodes = fieldNodes(form);
    for (const node of nodes) {
      const field = model.fieldsById.get(node.fieldId);
      if (field && node.widget && !WIDGETS_BY_TYPE[field.type].includes(node.widget))
        issues.push({
          path: `${base}/layout`,
          message: `node "${node.id}": widget "${node.widget}" does not suit a ${field.type} field (use ${WIDGETS_BY_TYPE[field.type].join(', ')})`,
        });
    }
  });
  return issues;
}

const RULE_KINDS = new Set<string>([
  'text',
  'integer',
  'decimal',
  'boolean',
  'date',
  'datetime',
  'textArray',
  'uuid',
]);

/**
 * The fields a rule over this entity's records may read, as `checkRule` takes them. Sub-tables are offered
 * as lists (`textArray`) so totals can iterate them (`reduce` over `{"var": "products"}`); iteration bodies
 * are not type-checked.
 * @example checkRule(formula, { fields: ruleCheckFields(appModel(doc).entitiesById.get('order')!), context: 'validation' })
 */
export function ruleCheckFields(model: EntityModel): CheckField[] {
  const out: CheckField[] = [];
  for (const field of model.entity.fields) {
    const kind = field.type === 'subTable' ? 'textArray' : valueKindOf(field);
    if (!RULE_KINDS.has(kind)) continue;
    const options =
      field.type === 'singleSelect' || field.type === 'multiSelect'
        ? field.options.map((o) => o.id)
        : undefined;
    out.push({ key: field.key, kind: kind as FieldKind, ...(options ? { options } : {}) });
  }
  for (const key of ['id', 'ownerId', 'ownerDeptId', 'createdBy', 'updatedBy'])
    out.push({ key, kind: 'uuid' });
  for (const key of ['createdAt', 'updatedAt']) out.push({ key, kind: 'datetime' });
  out.push({ key: 'version', kind: 'integer' });
  return out;
}
