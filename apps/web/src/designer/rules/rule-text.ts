import {
  RULE_OPERATORS,
  type RuleBuilderContext,
  type RuleField,
  type RuleNode,
  ruleFromJsonLogic,
} from '@dougong/designer';
import { describeCondition } from '@dougong/rules';
import type { Label } from '@dougong/schema';

type Locale = 'zh-CN' | 'en';

const pick = (label: Label | undefined, locale: Locale, fallback: string) =>
  label?.[locale] ?? label?.['zh-CN'] ?? label?.en ?? fallback;

function valueText(field: RuleField | undefined, value: unknown, locale: Locale): string {
  if (value === undefined) return '';
  if (Array.isArray(value))
    return value.map((v) => valueText(field, v, locale)).join(locale === 'zh-CN' ? '、' : ', ');
  const option = field?.options?.find((o) => o.id === value);
  if (option) return pick(option.label, locale, String(value));
  return value === null ? '∅' : String(value);
}

function nodeText(
  node: RuleNode,
  fields: ReadonlyMap<string, RuleField>,
  locale: Locale,
  top: boolean,
): string {
  if (node.kind === 'condition') {
    const field = fields.get(node.field);
    const op = RULE_OPERATORS[node.operator];
    const value = op.value === 'none' ? '' : ` ${valueText(field, node.value, locale)}`;
    return `${pick(field?.label, locale, node.field)} ${op.label[locale]}${value}`;
  }
  const glue =
    node.combinator === 'and'
      ? locale === 'zh-CN'
        ? ' 且 '
        : ' and '
      : locale === 'zh-CN'
        ? ' 或 '
        : ' or ';
  const inner = node.children.map((c) => nodeText(c, fields, locale, false)).join(glue);
  const wrapped = top && !node.negate ? inner : `(${inner})`;
  return node.negate ? `${locale === 'zh-CN' ? '非' : 'not '}${wrapped}` : wrapped;
}

/**
 * A rule in words in the UI language, as the builder shows it (field labels, operator names, option
 * labels): `金额 大于等于 100000 且 (阶段 等于 赢单 或 …)`; rules the builder cannot show fall back to the
 * rule engine's description.
 */
export function ruleText(
  logic: unknown,
  fields: readonly RuleField[],
  locale: Locale,
  context: RuleBuilderContext = 'filter',
): string {
  const parsed = ruleFromJsonLogic(logic, fields, context);
  if (parsed.mode === 'builder') {
    if (parsed.tree.children.length === 0 && !parsed.tree.negate)
      return locale === 'zh-CN' ? '总是' : 'always';
    return nodeText(parsed.tree, new Map(fields.map((f) => [f.path, f])), locale, true);
  }
  return describeCondition(
    logic,
    fields.map((f) => ({
      key: f.path,
      label: { 'zh-CN': pick(f.label, 'zh-CN', f.path), en: pick(f.label, 'en', f.path) },
    })),
  )[locale];
}
