import { FieldSchemas, type FieldType } from '@dougong/schema';
import { type Bilingual, bi } from '../core/bilingual.js';

/**
 * Every field type with its name in both languages, in palette order. Exhaustive: a field type added to the
 * schema does not compile until it is named here.
 */
export const FIELD_TYPE_LABELS: Readonly<Record<FieldType, Bilingual>> = {
  text: bi('单行文本', 'Text'),
  longText: bi('多行文本', 'Long text'),
  richText: bi('富文本', 'Rich text'),
  number: bi('数字', 'Number'),
  money: bi('金额', 'Money'),
  percent: bi('百分比', 'Percent'),
  boolean: bi('是 / 否', 'Yes / no'),
  date: bi('日期', 'Date'),
  datetime: bi('日期时间', 'Date and time'),
  singleSelect: bi('单选', 'Single select'),
  multiSelect: bi('多选', 'Multi select'),
  email: bi('邮箱', 'E-mail'),
  phone: bi('电话', 'Phone'),
  url: bi('网址', 'URL'),
  user: bi('人员', 'User'),
  department: bi('部门', 'Department'),
  reference: bi('关联记录', 'Reference'),
  subTable: bi('子表', 'Sub-table'),
  attachment: bi('附件', 'Attachment'),
  autoNumber: bi('自动编号', 'Auto number'),
  formula: bi('公式', 'Formula'),
  region: bi('地区', 'Region'),
};

/** The field types in palette order. */
export const DESIGNER_FIELD_TYPES = Object.keys(FIELD_TYPE_LABELS) as FieldType[];

/** Palette groups of field types. */
export const FIELD_TYPE_GROUPS: ReadonlyArray<{
  readonly id: 'basic' | 'choice' | 'contact' | 'relation' | 'advanced';
  readonly label: Bilingual;
  readonly types: readonly FieldType[];
}> = [
  {
    id: 'basic',
    label: bi('基础', 'Basic'),
    types: ['text', 'longText', 'richText', 'number', 'money', 'percent', 'boolean', 'date', 'datetime'],
  },
  { id: 'choice', label: bi('选项', 'Choice'), types: ['singleSelect', 'multiSelect'] },
  { id: 'contact', label: bi('联系', 'Contact'), types: ['email', 'phone', 'url', 'region'] },
  { id: 'relation', label: bi('关联', 'Relations'), types: ['user', 'department', 'reference', 'subTable'] },
  { id: 'advanced', label: bi('高级', 'Advanced'), types: ['attachment', 'autoNumber', 'formula'] },
];

/**
 * The properties a field of a type may have besides `id` and `type` (common ones first), read from the
 * metadata schema itself, so a property added there is editable here at once.
 * @example fieldProps('reference') // ['key', 'label', …, 'target']
 */
export function fieldProps(type: FieldType): readonly string[] {
  let props = PROPS.get(type);
  if (!props) {
    props = Object.keys((FieldSchemas[type] as { properties: Record<string, unknown> }).properties).filter(
      (k) => k !== 'id' && k !== 'type',
    );
    PROPS.set(type, props);
  }
  return props;
}
const PROPS = new Map<FieldType, readonly string[]>();

/** Properties an analyst types into (consecutive edits of them merge into one undo step). */
export const TYPED_FIELD_PROPS: ReadonlySet<string> = new Set([
  'key',
  'label',
  'description',
  'help',
  'placeholder',
  'default',
  'pattern',
  'patternMessage',
  'min',
  'max',
  'minLength',
  'maxLength',
  'precision',
  'scale',
  'currency',
  'maxItems',
  'maxRows',
  'maxFiles',
]);

/** Colours given to new select options in turn. */
export const OPTION_COLORS = [
  '#1677ff',
  '#52c41a',
  '#faad14',
  '#f5222d',
  '#722ed1',
  '#13c2c2',
  '#eb2f96',
  '#fa8c16',
] as const;

/** The default auto-number pattern: year and month, then a counter that restarts every month. */
export const DEFAULT_AUTO_NUMBER_PATTERN = '{YYYY}{MM}-{0000}';
