import { describe, expect, it } from 'vitest';
import {
  appModel,
  checkFieldValue,
  type Field,
  formatAutoNumber,
  formatInZone,
  normalizePhone,
  parseAutoNumberPattern,
  roundDecimal,
  validateRecordInput,
} from '../src/index.js';
import { allTypesApp } from './fixtures.js';

const ctx = { timeZone: 'Asia/Shanghai', now: new Date('2026-03-01T00:00:00Z') };
const order = () => appModel(allTypesApp()).entitiesByKey.get('order')!;
const field = (key: string): Field => order().fieldsByKey.get(key)!;

describe('field values', () => {
  it.each([
    ['amount', '1234.50', '1234.50'],
    ['amount', 12, '12.00'],
    ['ratio', '0.125', '0.125'],
    ['count', 42, 42],
    ['due', '2024-02-29', '2024-02-29'],
    ['mobile', '+86 138-0013-8000', '13800138000'],
    ['mobile', '021 6123 4567', '021-61234567'],
    ['mobile', '+1 415 555 0100', '+14155550100'],
    ['email', 'Zhang.Wei@Example.COM', 'Zhang.Wei@example.com'],
    ['tags', ['vip', 'new'], ['vip', 'new']],
    ['region', '310104', '310104'],
  ])('accepts %s = %j', (key, input, expected) => {
    const result = checkFieldValue(field(key), input, ctx);
    expect(result).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['amount', '12.345', 'decimal places'],
    ['amount', '1e5', 'decimal number'],
    ['amount', 'NaN', 'decimal number'],
    ['count', 1.5, 'whole number'],
    ['count', '3', 'whole number'],
    ['count', 2 ** 60, 'whole number'],
    ['due', '2023-02-29', 'YYYY-MM-DD'],
    ['signedAt', '2026-03-01 09:00', 'offset'],
    ['stage', 'lost', 'option'],
    ['tags', ['vip', 'vip'], 'repeat'],
    ['mobile', '12345', 'mobile'],
    ['site', 'javascript:alert(1)', 'URL'],
    ['paid', 'true', 'true or false'],
    ['rep', 'not-a-uuid', 'user'],
    ['title', 'x'.repeat(101), 'at most 100'],
    ['no', 'HT-1', 'computed'],
    ['gross', '1', 'computed'],
  ])('rejects %s = %j', (key, input, message) => {
    const result = checkFieldValue(field(key), input, ctx);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
  });

  it('rounds half-up like PostgreSQL numeric', () => {
    expect(roundDecimal('2.345', 2)).toBe('2.35');
    expect(roundDecimal('-2.345', 2)).toBe('-2.35');
    expect(roundDecimal('0.1', 0)).toBe('0');
  });

  it('normalises phones or refuses them', () => {
    expect(normalizePhone('0086 13912345678')).toEqual({ kind: 'mobile', value: '13912345678' });
    expect(normalizePhone('010-12345678')).toEqual({ kind: 'landline', value: '010-12345678' });
    expect(normalizePhone('abc')).toBeUndefined();
  });

  it('formats instants in the app time zone', () => {
    expect(formatInZone(new Date('2026-01-01T16:00:00Z'), 'Asia/Shanghai')).toBe(
      '2026-01-02T00:00:00.000+08:00',
    );
    expect(formatInZone(new Date('2026-07-01T12:00:00Z'), 'America/New_York')).toBe(
      '2026-07-01T08:00:00.000-04:00',
    );
  });

  it('formats auto numbers per period', () => {
    const parsed = parseAutoNumberPattern('HT-{YYYY}{MM}-{0000}');
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.period).toBe('month');
      expect(formatAutoNumber(parsed, '2026-03-15', 7)).toBe('HT-202603-0007');
    }
  });
});

describe('validateRecordInput', () => {
  it('fills defaults and requires required fields on create', () => {
    const result = validateRecordInput(order(), { notes: 'x' }, { mode: 'create', ...ctx });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toEqual([{ path: '/title', message: 'is required' }]);
  });

  it('names unknown and system fields', () => {
    const result = validateRecordInput(
      order(),
      { title: 'a', bogus: 1, createdAt: 'x' },
      { mode: 'update', ...ctx },
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.path).sort()).toEqual(['/bogus', '/createdAt']);
  });

  it('checks sub-table rows with their own paths', () => {
    const result = validateRecordInput(
      order(),
      { title: 'a', lines: [{ product: 'p', qty: 2, price: '1.00' }, { qty: 0 }] },
      { mode: 'create', ...ctx },
    );
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.issues).toEqual([
        { path: '/lines/1/qty', message: 'must be at least 1' },
        { path: '/lines/1/product', message: 'is required' },
      ]);
  });
});
