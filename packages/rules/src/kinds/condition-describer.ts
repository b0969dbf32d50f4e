import { argsOf, isLogic, operatorOf } from '../core/json-value.js';
import type { LocalizedText } from './localized-text.js';

/** A field's display label and its options' labels, for explanations. */
export interface FieldLabel {
  readonly key: string;
  readonly label: LocalizedText;
  readonly options?: readonly { readonly id: string; readonly label: LocalizedText }[];
}

type Lang = 'zh-CN' | 'en';
const SYMBOLS: Record<string, string> = {
  '==': '=',
  '===': '=',
  '!=': '≠',
  '!==': '≠',
  '<': '<',
  '<=': '≤',
  '>': '>',
  '>=': '≥',
};
const WORDS: Record<Lang, { and: string; or: string; not: string; always: string; in: string; sep: string }> =
  {
    'zh-CN': { and: ' 且 ', or: ' 或 ', not: '非', always: '总是', in: '属于', sep: '、' },
    en: { and: ' and ', or: ' or ', not: 'not ', always: 'always', in: 'in', sep: ', ' },
  };

function describeIn(
  node: unknown,
  lang: Lang,
  labels: ReadonlyMap<string, FieldLabel>,
  field?: FieldLabel,
): string {
  if (isLogic(node) && operatorOf(node) === 'var') {
    const key = String(argsOf(node)[0]);
    return labels.get(key)?.label[lang] ?? key;
  }
  if (Array.isArray(node))
    return `{${node.map((n) => describeIn(n, lang, labels, field)).join(WORDS[lang].sep)}}`;
  if (typeof node === 'string') return field?.options?.find((o) => o.id === node)?.label[lang] ?? node;
  if (!isLogic(node)) return JSON.stringify(node);
  const op = operatorOf(node);
  const args = argsOf(node);
  const w = WORDS[lang];
  const fieldOf = (n: unknown) =>
    isLogic(n) && operatorOf(n) === 'var' ? labels.get(String(argsOf(n)[0])) : undefined;
  if (op === 'and' || op === 'or') return args.map((a) => describeIn(a, lang, labels)).join(w[op]);
  if (op === '!') return `${w.not}(${describeIn(args[0], lang, labels)})`;
  if ((op === 'in' || op === 'in_list') && Array.isArray(args[1])) {
    const f = fieldOf(args[0]);
    return `${describeIn(args[0], lang, labels)} ${w.in} ${describeIn(args[1], lang, labels, f)}`;
  }
  const symbol = SYMBOLS[op];
  if (symbol && args.length === 2) {
    const f = fieldOf(args[0]) ?? fieldOf(args[1]);
    return `${describeIn(args[0], lang, labels, f)} ${symbol} ${describeIn(args[1], lang, labels, f)}`;
  }
  return JSON.stringify(node);
}

/**
 * Renders a condition for people, in both languages, using field and option labels.
 *
 * @example
 * describeCondition({ '==': [{ var: 'region' }, 'east'] }, [{ key: 'region', label: { 'zh-CN': '区域', en: 'Region' },
 *   options: [{ id: 'east', label: { 'zh-CN': '华东', en: 'East China' } }] }])
 * // { 'zh-CN': '区域 = 华东', en: 'Region = East China' }
 */
export function describeCondition(condition: unknown, labels: readonly FieldLabel[] = []): LocalizedText {
  const map = new Map(labels.map((l) => [l.key, l]));
  if (
    condition === true ||
    (isLogic(condition) && operatorOf(condition) === 'and' && argsOf(condition).length === 0)
  ) {
    return { 'zh-CN': WORDS['zh-CN'].always, en: WORDS.en.always };
  }
  return { 'zh-CN': describeIn(condition, 'zh-CN', map), en: describeIn(condition, 'en', map) };
}
