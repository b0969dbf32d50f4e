import type { AppDocument, Entity, Field, FieldType } from '@dougong/schema';
import type { ReactNode } from 'react';
import type { MessageKey } from '../i18n/messages';
import { departmentName, userName } from './directory';

type Label = (text: { 'zh-CN'?: string; en?: string } | undefined) => string;
type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** What a display function needs. */
export interface DisplayContext {
  label: Label;
  t: T;
  doc: AppDocument;
  /** Expanded referenced records by field key (from `_expand`). */
  expanded?: Record<string, Record<string, unknown> | null>;
}

const text = (value: unknown) =>
  value === null || value === undefined || value === '' ? null : String(value);

function formatMoney(value: unknown, currency: string | undefined): string | null {
  if (value === null || value === undefined) return null;
  const [int = '0', frac] = String(value).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const symbol = currency === 'CNY' || !currency ? '¥' : `${currency} `;
  return `${symbol}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}

/** The title of a referenced record: its entity's title field, else its id. */
export function recordTitle(
  _doc: AppDocument,
  entity: Entity | undefined,
  record: Record<string, unknown> | null | undefined,
): string {
  if (!record) return '';
  const titleField = entity?.fields.find((f) => f.id === entity.titleField);
  return String((titleField ? record[titleField.key] : undefined) ?? record.id ?? '');
}

/**
 * How each field type is shown: one function per type (a new type without one fails to compile).
 * Values are always shown by their label in the user's language, never by a stored code or id.
 */
const DISPLAY: {
  [K in FieldType]: (field: Extract<Field, { type: K }>, value: unknown, ctx: DisplayContext) => ReactNode;
} = {
  text: (_f, v) => text(v),
  longText: (_f, v) => text(v),
  richText: (_f, v) => (typeof v === 'string' ? v.replace(/<[^>]*>/g, ' ').trim() : null),
  number: (_f, v) => text(v),
  money: (f, v, ctx) => formatMoney(v, f.currency ?? ctx.doc.defaultCurrency),
  percent: (_f, v) => (v === null || v === undefined ? null : `${v}%`),
  boolean: (_f, v, ctx) => (v === true ? ctx.t('value.yes') : v === false ? ctx.t('value.no') : null),
  date: (_f, v) => text(v),
  datetime: (_f, v) => (typeof v === 'string' ? v.slice(0, 16).replace('T', ' ') : null),
  singleSelect: (f, v, ctx) => {
    const option = f.options.find((o) => o.id === v);
    return option ? (
      <span
        className="tag"
        style={option.color ? { borderColor: option.color, color: option.color } : undefined}
      >
        {ctx.label(option.label)}
      </span>
    ) : null;
  },
  multiSelect: (f, v, ctx) =>
    Array.isArray(v)
      ? v.map((id) => {
          const option = f.options.find((o) => o.id === id);
          return (
            <span key={String(id)} className="tag">
              {option ? ctx.label(option.label) : ''}
            </span>
          );
        })
      : null,
  email: (_f, v) => text(v),
  phone: (_f, v) => text(v),
  url: (_f, v) => (typeof v === 'string' ? <a href={v}>{v}</a> : null),
  user: (_f, v) => (typeof v === 'string' ? (userName(v) ?? '…') : null),
  department: (_f, v) => (typeof v === 'string' ? (departmentName(v) ?? '…') : null),
  reference: (f, v, ctx) => {
    if (typeof v !== 'string') return null;
    const target = ctx.doc.entities.find((e) => e.id === f.target);
    const expanded = ctx.expanded?.[f.key];
    return expanded ? recordTitle(ctx.doc, target, expanded) : '…';
  },
  subTable: (_f, v) => (Array.isArray(v) ? String(v.length) : null),
  attachment: (_f, v) =>
    Array.isArray(v) ? (v as Array<{ name: string }>).map((file) => file.name).join(', ') : null,
  autoNumber: (_f, v) => text(v),
  formula: (f, v) => (f.resultType === 'boolean' ? (v === true ? '✓' : v === false ? '✗' : null) : text(v)),
  region: (_f, v) => text(v),
};

/** Renders a value for display; an empty value shows as a dash. */
export function displayValue(field: Field, value: unknown, ctx: DisplayContext): ReactNode {
  const shown = (DISPLAY[field.type] as (f: Field, v: unknown, c: DisplayContext) => ReactNode)(
    field,
    value,
    ctx,
  );
  return shown === null || shown === '' ? <span className="muted">{ctx.t('value.empty')}</span> : shown;
}

/** The plain-text form of a value (CSV export). */
export function plainValue(field: Field, value: unknown, ctx: DisplayContext): string {
  const shown = displayValue(field, value, ctx);
  if (typeof shown === 'string' || typeof shown === 'number') return String(shown);
  if (value === null || value === undefined) return '';
  if (field.type === 'singleSelect') return ctx.label(field.options.find((o) => o.id === value)?.label);
  if (field.type === 'multiSelect' && Array.isArray(value))
    return value.map((id) => ctx.label(field.options.find((o) => o.id === id)?.label)).join(', ');
  return String(value);
}

/** Operators offered by the filter builder, per field type. */
export type FilterOp =
  | 'eq'
  | 'ne'
  | 'contains'
  | 'startsWith'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'before'
  | 'after'
  | 'empty'
  | 'notEmpty';

/** The operators that make sense for a field. */
export function operatorsFor(field: Field): FilterOp[] {
  switch (field.type) {
    case 'text':
    case 'longText':
    case 'email':
    case 'phone':
    case 'url':
    case 'autoNumber':
    case 'region':
      return ['contains', 'eq', 'ne', 'startsWith', 'empty', 'notEmpty'];
    case 'number':
    case 'money':
    case 'percent':
      return ['eq', 'gt', 'gte', 'lt', 'lte', 'empty', 'notEmpty'];
    case 'date':
      return ['eq', 'before', 'after', 'empty', 'notEmpty'];
    case 'datetime':
      return ['after', 'before', 'empty', 'notEmpty'];
    case 'singleSelect':
      return ['eq', 'ne', 'empty', 'notEmpty'];
    case 'boolean':
      return ['eq'];
    case 'user':
    case 'department':
    case 'reference':
      return ['empty', 'notEmpty'];
    default:
      return [];
  }
}

/** One condition of the filter builder. */
export interface Condition {
  key: string;
  op: FilterOp;
  value: string;
}

/** Turns a builder condition into the rule language (JsonLogic + platform operations). */
export function conditionToRule(field: Field, c: Condition): unknown {
  const v = { var: c.key };
  const decimal =
    field.type === 'money' || field.type === 'percent' || (field.type === 'number' && !field.integer);
  const integer = field.type === 'number' && field.integer;
  const value: unknown = integer ? Number(c.value) : field.type === 'boolean' ? c.value === 'true' : c.value;
  switch (c.op) {
    case 'empty':
      return { is_empty: [v] };
    case 'notEmpty':
      return { is_not_empty: [v] };
    case 'contains':
      return { contains_ci: [v, value] };
    case 'startsWith':
      return { starts_with_ci: [v, value] };
    case 'eq':
      if (decimal) return { dec_eq: [v, value] };
      if (field.type === 'date') return { date_eq: [v, value] };
      return { '==': [v, value] };
    case 'ne':
      return { '!=': [v, value] };
    case 'before':
      return field.type === 'datetime'
        ? { datetime_lt: [v, `${value}T00:00:00+08:00`] }
        : { date_lt: [v, value] };
    case 'after':
      return field.type === 'datetime'
        ? { datetime_gte: [v, `${value}T00:00:00+08:00`] }
        : { date_gt: [v, value] };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const symbol = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[c.op];
      const compare = decimal ? { [`dec_${c.op}`]: [v, value] } : { [symbol]: [v, value] };
      // JsonLogic treats an empty value as 0 in `<`; users mean "has a value below".
      return c.op === 'lt' || c.op === 'lte' ? { and: [{ is_not_empty: [v] }, compare] } : compare;
    }
  }
}
