import { describe, expect, it } from 'vitest';
import { normalizeCompanyName } from '../src/index.js';

describe('normalizeCompanyName', () => {
  it('treats legal-form suffixes, spaces and full-width characters as the same company', () => {
    const key = normalizeCompanyName('上海华东机械有限公司');
    expect(key).toBe('上海华东机械');
    for (const variant of [
      '上海华东机械股份有限公司',
      '上海 华东 机械 有限责任公司',
      '上海华东机械公司',
      '上海华东机械',
      '上海华东机械有限公司 ',
    ])
      expect(normalizeCompanyName(variant), variant).toBe(key);
  });

  it('folds full-width Latin letters and digits and English legal forms', () => {
    expect(normalizeCompanyName('ＡＢＣ　Ｔｅｃｈ　１２３有限公司')).toBe('abctech123');
    expect(normalizeCompanyName('ABC Tech 123 Co., Ltd.')).toBe('abctech123');
    expect(normalizeCompanyName('abc tech 123 inc')).toBe('abctech123');
  });

  it('keeps names that differ in substance apart', () => {
    expect(normalizeCompanyName('上海华东机械有限公司')).not.toBe(
      normalizeCompanyName('上海华南机械有限公司'),
    );
    expect(normalizeCompanyName('华东机械集团有限公司')).not.toBe(normalizeCompanyName('华东机械有限公司'));
    // A bare suffix is not stripped to nothing.
    expect(normalizeCompanyName('有限公司')).toBe('有限公司');
  });
});
