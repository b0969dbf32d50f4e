/** A parsed semantic version (`major.minor.patch`, optional pre-release; build metadata ignored). */
export interface Semver {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
}

/** The semantic-version pattern template versions must match (semver.org 2.0.0). */
export const SEMVER_PATTERN =
  '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$';
const SEMVER = new RegExp(SEMVER_PATTERN);

/**
 * Parses a semantic version; undefined when `text` is not one.
 * @example parseSemver('1.2.0-beta.1') // { major: 1, minor: 2, patch: 0, prerelease: ['beta', '1'] }
 */
export function parseSemver(text: string): Semver | undefined {
  const match = SEMVER.exec(text);
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    prerelease: match[4] ? match[4].split('.') : [],
  };
}

/**
 * Orders two semantic versions by precedence (semver.org §11): negative when `a` comes first, 0 when
 * equal, positive when `a` is later. Throws on a string that is not a version.
 * @example compareSemver('1.10.0', '1.9.3') > 0 // true
 */
export function compareSemver(a: string, b: string): number {
  const x = parseSemver(a);
  const y = parseSemver(b);
  if (!x || !y) throw new Error(`not a semantic version: "${x ? b : a}"`);
  for (const part of ['major', 'minor', 'patch'] as const) if (x[part] !== y[part]) return x[part] - y[part];
  if (x.prerelease.length === 0 || y.prerelease.length === 0)
    return y.prerelease.length - x.prerelease.length;
  for (let i = 0; i < Math.max(x.prerelease.length, y.prerelease.length); i++) {
    const p = x.prerelease[i];
    const q = y.prerelease[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) return Number(p) - Number(q);
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return 0;
}
