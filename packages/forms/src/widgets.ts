import type { Field, FieldType, FormFieldNode, FormWidget } from '@dougong/schema';

/**
 * The widgets each field type can be shown with, the default first. Exhaustive: a new field type does not
 * compile until it is listed here.
 */
export const WIDGETS_BY_TYPE: Record<FieldType, readonly FormWidget[]> = {
  text: ['input', 'textarea'],
  longText: ['textarea', 'input'],
  richText: ['richText', 'textarea'],
  number: ['number'],
  money: ['money', 'number'],
  percent: ['percent', 'number'],
  boolean: ['switch', 'checkbox'],
  date: ['date'],
  datetime: ['datetime'],
  singleSelect: ['select', 'radio', 'segmented'],
  multiSelect: ['multiSelect', 'checkboxes', 'tags'],
  email: ['email', 'input'],
  phone: ['phone', 'input'],
  url: ['url', 'input'],
  user: ['user'],
  department: ['department'],
  reference: ['reference'],
  subTable: ['subTable'],
  attachment: ['attachment'],
  autoNumber: ['autoNumber', 'input'],
  formula: ['formula'],
  region: ['region'],
};

/**
 * The widget a field node renders with: its own when it suits the field type, else the type's default.
 * @example widgetFor({ type: 'singleSelect', … }, { widget: 'radio', … }) // 'radio'
 */
export function widgetFor(field: Field, node?: Pick<FormFieldNode, 'widget'>): FormWidget {
  const allowed = WIDGETS_BY_TYPE[field.type];
  return node?.widget && allowed.includes(node.widget) ? node.widget : allowed[0]!;
}
