import { describe, expect, it } from 'vitest';
import { FIELD_TYPES, upgradeDocument, validateAppDocument } from '../src/index.js';
import { allTypesApp } from './fixtures.js';

function issues(doc: unknown) {
  const result = validateAppDocument(doc);
  return result.ok ? [] : result.issues;
}

describe('validateAppDocument', () => {
  it('accepts a document using every field type', () => {
    const doc = allTypesApp();
    const used = new Set(doc.entities.flatMap((e) => e.fields.map((f) => f.type)));
    expect([...FIELD_TYPES].filter((t) => !used.has(t))).toEqual([]);
    expect(issues(doc)).toEqual([]);
  });

  it.each([
    ['unknown top-level property', (d: any) => (d.extra = 1), '/extra', 'is not a known property'],
    [
      'unknown field type',
      (d: any) => (d.entities[0].fields[0].type = 'blob'),
      '/entities/0/fields/0/type',
      '',
    ],
    ['missing label', (d: any) => delete d.label, '/label', 'is required'],
    [
      'bad field id',
      (d: any) => (d.entities[0].fields[0].id = 'Bad Id'),
      '/entities/0/fields/0/id',
      'pattern',
    ],
    [
      'string where number expected (no coercion)',
      (d: any) => (d.entities[2].fields[3].min = '5'),
      '/entities/2/fields/3/min',
      '',
    ],
    [
      'duplicate field key',
      (d: any) => (d.entities[2].fields[1].key = 'title'),
      '/entities/2/fields/1/key',
      'duplicates',
    ],
    [
      'system key as field key',
      (d: any) => (d.entities[0].fields[0].key = 'version'),
      '/entities/0/fields/0/key',
      'system key',
    ],
    [
      'reference to a missing entity',
      (d: any) => (d.entities[2].fields[17].target = 'nope'),
      '/entities/2/fields/17/target',
      'no entity',
    ],
    [
      'catastrophic pattern',
      (d: any) => (d.entities[0].fields[0].pattern = '(a+)+$'),
      '/entities/0/fields/0/pattern',
      'backtrack',
    ],
    [
      'bad auto-number pattern',
      (d: any) => (d.entities[2].fields[20].pattern = 'HT-{XX}'),
      '/entities/2/fields/20/pattern',
      'token',
    ],
    [
      'formula on unknown key',
      (d: any) => (d.entities[2].fields[21].expression = { var: 'nope' }),
      '/entities/2/fields/21/expression/var',
      'not a field key',
    ],
    [
      'formula prototype access',
      (d: any) => (d.entities[2].fields[21].expression = { var: '__proto__' }),
      '/entities/2/fields/21/expression/var',
      'not allowed',
    ],
    ['unknown time zone', (d: any) => (d.timeZone = 'Mars/Base'), '/timeZone', 'time zone'],
    [
      'titleField not a field',
      (d: any) => (d.entities[0].titleField = 'zzz'),
      '/entities/0/titleField',
      'not a field',
    ],
    ['NUL byte in a label', (d: any) => (d.label['zh-CN'] = 'a\u0000b'), '/label/zh-CN', 'NUL'],
    ['lone surrogate', (d: any) => (d.label.en = 'x\uD800'), '/label/en', 'surrogate'],
    [
      'select default not an option',
      (d: any) => (d.entities[2].fields[10].default = 'lost'),
      '/entities/2/fields/10/default',
      'not an option',
    ],
  ])('rejects %s with a JSON pointer', (_name, mutate, path, message) => {
    const doc = allTypesApp();
    mutate(doc);
    const found = issues(doc);
    expect(found.length).toBeGreaterThan(0);
    expect(found.map((i) => i.path)).toContain(path);
    if (message) expect(found.find((i) => i.path === path)?.message).toContain(message);
  });

  it('rejects 10,000-deep nesting without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i += 1) deep = [deep];
    const doc = { ...allTypesApp(), description: deep };
    expect(issues(doc)[0]?.message).toContain('nested deeper');
  });

  it('leaves a current document unchanged on upgrade', () => {
    const doc = allTypesApp();
    expect(upgradeDocument(doc)).toEqual(doc);
  });
});
