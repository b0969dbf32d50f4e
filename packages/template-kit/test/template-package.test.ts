import type { AppDocument } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import {
  compareSemver,
  createTemplateRegistry,
  hashSeed,
  parseSemver,
  seeded,
  type TemplatePackage,
  templateDocumentFor,
  validateTemplatePackage,
} from '../src/index.js';

const doc = (): AppDocument => ({
  schemaVersion: 1,
  key: 'crm',
  label: { 'zh-CN': '客户', en: 'CRM' },
  template: { id: 'acme.crm', version: '1.2.0' },
  entities: [],
});
const pkg = (): TemplatePackage => ({
  id: 'acme.crm',
  version: '1.2.0',
  name: { 'zh-CN': '客户管理', en: 'CRM' },
  description: { 'zh-CN': '客户与线索', en: 'Accounts and leads' },
  appKey: 'crm',
  document: doc(),
});

describe('template packages', () => {
  it('accepts a consistent package', () => {
    const checked = validateTemplatePackage(pkg());
    expect(checked.ok ? [] : checked.issues).toEqual([]);
  });

  it.each([
    ['/version', { version: '1.2' }],
    ['/id', { id: 'Acme CRM' }],
    ['/name/en', { name: { 'zh-CN': '客户管理' } }],
    ['/appKey', { appKey: 'CRM!' }],
    ['/document/key', { appKey: 'crm2' }],
    ['/document/template', { version: '1.3.0' }],
    ['/document/entities', { document: { ...doc(), entities: undefined } }],
    ['/extra', { extra: true }],
  ])('reports %s', (path, patch) => {
    const checked = validateTemplatePackage({ ...pkg(), ...patch });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.issues.map((i) => i.path)).toContain(path);
  });

  it('installs under another key with its own template identity', () => {
    const copy = templateDocumentFor(pkg(), 'crm_east');
    expect(copy.key).toBe('crm_east');
    expect(copy.template).toEqual({ id: 'acme.crm', version: '1.2.0' });
    expect(pkg().document.key).toBe('crm');
  });

  it('registry finds by id or unique short name and refuses a repeated id', () => {
    const registry = createTemplateRegistry([pkg()]);
    expect(registry.find('acme.crm')?.id).toBe('acme.crm');
    expect(registry.find('crm')?.id).toBe('acme.crm');
    expect(registry.find('nope')).toBeUndefined();
    expect(() => createTemplateRegistry([pkg(), pkg()])).toThrow(/registered twice/);
    expect(() => createTemplateRegistry([{ ...pkg(), version: 'x' }])).toThrow(/invalid/);
  });
});

describe('semantic versions', () => {
  it.each([
    ['1.0.0', '1.0.1', -1],
    ['1.10.0', '1.9.9', 1],
    ['2.0.0', '2.0.0', 0],
    ['1.0.0-alpha', '1.0.0', -1],
    ['1.0.0-alpha.2', '1.0.0-alpha.10', -1],
    ['1.0.0-alpha.beta', '1.0.0-alpha.1', 1],
    ['1.0.0+build.5', '1.0.0', 0],
  ])('%s vs %s', (a, b, sign) => {
    expect(Math.sign(compareSemver(a, b))).toBe(sign);
    expect(Math.sign(compareSemver(b, a))).toBe(sign === 0 ? 0 : -sign);
  });

  it('rejects what is not a version', () => {
    expect(parseSemver('1.0')).toBeUndefined();
    expect(parseSemver('01.0.0')).toBeUndefined();
    expect(() => compareSemver('1.0.0', 'v1')).toThrow(/not a semantic version/);
  });
});

describe('seeded random', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const take = (seed: number) => {
      const rng = seeded(seed);
      return Array.from({ length: 20 }, () => rng.next());
    };
    expect(take(7)).toEqual(take(7));
    expect(take(7)).not.toEqual(take(8));
    expect(take(7).every((x) => x >= 0 && x < 1)).toBe(true);
    expect(hashSeed('demo', 1)).toBe(hashSeed('demo', 1));
    expect(hashSeed('demo', 1)).not.toBe(hashSeed('demo', 2));
    expect(hashSeed('1')).not.toBe(hashSeed(1));
  });

  it('spreads integers over the whole range', () => {
    const rng = seeded(hashSeed('spread'));
    const seen = new Set(Array.from({ length: 2000 }, () => rng.int(1, 6)));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(
      rng.weighted([
        ['a', 0],
        ['b', 1],
      ]),
    ).toBe('b');
  });
});
