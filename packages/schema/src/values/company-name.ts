/**
 * Company-name normalisation for duplicate detection: two names that normalise to the same key are treated
 * as the same customer ("上海 华东 机械有限公司" = "上海华东机械股份有限公司" = "（上海）华东机械").
 *
 * Steps: Unicode NFKC (full-width → half-width letters, digits and brackets), lower case, drop spaces and
 * punctuation (region prefixes are kept: they tell real companies apart), then strip up to two trailing
 * legal-form suffixes (有限公司, 股份有限公司, 有限责任公司, 集团有限公司 keeps 集团,
 * Co., Ltd., Inc., LLC, …).
 */
const LEGAL_SUFFIXES = [
  '股份有限公司',
  '有限责任公司',
  '集团有限公司',
  '有限公司',
  '股份公司',
  '分公司',
  '公司',
  'coltd',
  'companylimited',
  'limited',
  'ltd',
  'incorporated',
  'inc',
  'corporation',
  'corp',
  'llc',
  'gmbh',
  'co',
].sort((a, b) => b.length - a.length);

// Spaces, ASCII punctuation and the common CJK punctuation (、。·“”‘’《》【】（）etc. after NFKC).
const NOISE = /[\s\p{P}\p{S}]+/gu;

export function normalizeCompanyName(name: string): string {
  let key = name.normalize('NFKC').toLowerCase().replace(NOISE, '');
  for (let round = 0; round < 2; round++) {
    // The longest matching suffix; a name that is nothing but a suffix is kept as it is.
    const suffix = LEGAL_SUFFIXES.find((s) => key.endsWith(s));
    if (!suffix || suffix.length >= key.length) break;
    // 集团有限公司 keeps 集团: a group and its subsidiary are different customers.
    key = key.slice(0, key.length - suffix.length) + (suffix === '集团有限公司' ? '集团' : '');
  }
  return key;
}
