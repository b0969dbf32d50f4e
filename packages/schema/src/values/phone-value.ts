/** Kinds of phone numbers a phone field can accept. */
export type PhoneKind = 'mobile' | 'landline' | 'international';

const MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^0\d{2,3}-\d{7,8}(-\d{1,6})?$/;
const INTERNATIONAL = /^\+\d{6,15}$/;

/**
 * Normalises a phone number and tells its kind: mainland mobiles become 11 digits (`+86`/`0086` and
 * separators removed), landlines `0AA(A)-NNNNNNN(N)[-ext]`, others `+<digits>`.
 * @example normalizePhone('+86 138-0013-8000') → { kind: 'mobile', value: '13800138000' }
 */
export function normalizePhone(input: string): { kind: PhoneKind; value: string } | undefined {
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > 40) return undefined;
  const compact = trimmed.replace(/[\s()]/g, '');
  let digits = compact.replace(/-/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  if (MOBILE.test(digits)) return { kind: 'mobile', value: digits };
  if (/^0\d{9,11}$/.test(digits) || LANDLINE.test(compact)) {
    const landline = LANDLINE.test(compact) ? compact : toLandline(digits);
    if (landline && LANDLINE.test(landline)) return { kind: 'landline', value: landline };
  }
  const intl = compact.replace(/-/g, '');
  if (INTERNATIONAL.test(intl) && !intl.startsWith('+86')) return { kind: 'international', value: intl };
  return undefined;
}

// Beijing, Shanghai, Tianjin, Chongqing and the 02x areas use 3-digit area codes; others 4 digits.
function toLandline(digits: string): string | undefined {
  const areaLength = digits.startsWith('01') || digits.startsWith('02') ? 3 : 4;
  const area = digits.slice(0, areaLength);
  const local = digits.slice(areaLength);
  return local.length >= 7 && local.length <= 8 ? `${area}-${local}` : undefined;
}
