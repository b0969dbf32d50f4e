import { type AppDocument, type CaptureHook, validateAppDocument } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { capturePayloadIssues, mapCapturePayload, previewCapture, resolvePointer } from '../src/index.js';

const L = (en: string) => ({ en });

const hook: CaptureHook = {
  id: 'wechat',
  label: { 'zh-CN': '公众号', en: 'WeChat' },
  entity: 'lead',
  channel: 'wechat',
  auth: { scheme: 'hmac-sha256', secret: 'wechatSecret' },
  mapping: [
    { from: '/user/name', to: 'name', transform: 'trim', required: true },
    { from: '/user/phone', to: 'mobile', transform: ['trim', 'phone'] },
    { from: '/user/email', to: 'email', transform: ['trim', 'lower'] },
    { from: '/gender', to: 'gender', transform: { map: { '1': 'male', '2': 'female' }, default: null } },
    { from: '/visitedAt', to: 'visited', transform: 'date' },
    { from: '/signedUp', to: 'signed_at', transform: 'date' },
    { from: '/score', to: 'score' },
    { from: '/vip', to: 'vip' },
    { from: '/tags', to: 'tags' },
    { to: 'note', transform: { constant: 'from the official account' } },
  ],
  defaults: { source: 'wechat' },
  idempotencyKey: { pointer: '/msgId' },
};

const doc: AppDocument = {
  schemaVersion: 1,
  key: 'crm',
  label: L('CRM'),
  timeZone: 'Asia/Shanghai',
  entities: [
    {
      id: 'lead',
      key: 'lead',
      label: L('Lead'),
      fields: [
        { id: 'name', key: 'name', type: 'text', label: L('Name'), required: true, maxLength: 20 },
        { id: 'mobile', key: 'mobile', type: 'phone', label: L('Mobile') },
        { id: 'email', key: 'email', type: 'email', label: L('Email') },
        {
          id: 'gender',
          key: 'gender',
          type: 'singleSelect',
          label: L('Gender'),
          options: [
            { id: 'male', label: { 'zh-CN': '男', en: 'Male' } },
            { id: 'female', label: { 'zh-CN': '女', en: 'Female' } },
          ],
        },
        { id: 'visited', key: 'visited', type: 'date', label: L('Visited') },
        { id: 'signed_at', key: 'signedAt', type: 'datetime', label: L('Signed up') },
        { id: 'score', key: 'score', type: 'number', integer: true, max: 100, label: L('Score') },
        { id: 'vip', key: 'vip', type: 'boolean', label: L('VIP') },
        {
          id: 'tags',
          key: 'tags',
          type: 'multiSelect',
          label: L('Tags'),
          options: [
            { id: 'hot', label: { 'zh-CN': '热', en: 'Hot' } },
            { id: 'b2b', label: L('B2B') },
          ],
        },
        { id: 'note', key: 'note', type: 'text', label: L('Note') },
        {
          id: 'source',
          key: 'source',
          type: 'singleSelect',
          label: L('Source'),
          options: [
            { id: 'website', label: L('Website') },
            { id: 'wechat', label: L('WeChat') },
          ],
        },
        { id: 'code', key: 'code', type: 'autoNumber', pattern: 'L{0000}', label: L('Code') },
        { id: 'lines', key: 'lines', type: 'subTable', childEntity: 'line', label: L('Lines') },
      ],
    },
    {
      id: 'line',
      key: 'line',
      kind: 'child',
      label: L('Line'),
      fields: [{ id: 'item', key: 'item', type: 'text', label: L('Item') }],
    },
  ],
  captureHooks: [hook],
};

const ctx = { now: new Date('2026-03-01T02:00:00Z'), timeZone: 'Asia/Shanghai' };
const request = (body: unknown, headers: Record<string, string> = {}) => ({ body, headers });

describe('capture hooks in the app document', () => {
  const issues = (change: (d: any) => void) => {
    const copy = structuredClone(doc) as any;
    change(copy);
    const result = validateAppDocument(copy);
    return result.ok ? [] : result.issues;
  };

  it('accepts the hook', () => expect(issues(() => undefined)).toEqual([]));

  it.each([
    ['an unknown entity', (d: any) => (d.captureHooks[0].entity = 'nope'), '/captureHooks/0/entity'],
    ['a child entity', (d: any) => (d.captureHooks[0].entity = 'line'), '/captureHooks/0/entity'],
    [
      'an unknown target',
      (d: any) => (d.captureHooks[0].mapping[0].to = 'nope'),
      '/captureHooks/0/mapping/0/to',
    ],
    [
      'a computed target',
      (d: any) => (d.captureHooks[0].mapping[0].to = 'code'),
      '/captureHooks/0/mapping/0/to',
    ],
    [
      'a field mapped twice',
      (d: any) => (d.captureHooks[0].mapping[1].to = 'name'),
      '/captureHooks/0/mapping/1/to',
    ],
    [
      'an entry with neither from nor constant',
      (d: any) => delete d.captureHooks[0].mapping[0].from,
      '/captureHooks/0/mapping/0',
    ],
    [
      'a date into a text field',
      (d: any) => (d.captureHooks[0].mapping[0].transform = 'date'),
      '/captureHooks/0/mapping/0/transform',
    ],
    [
      'an unknown default field',
      (d: any) => (d.captureHooks[0].defaults = { nope: 1 }),
      '/captureHooks/0/defaults/nope',
    ],
    [
      'a bad pointer',
      (d: any) => (d.captureHooks[0].mapping[0].from = 'user/name'),
      '/captureHooks/0/mapping/0/from',
    ],
    [
      'an unknown transform',
      (d: any) => (d.captureHooks[0].mapping[0].transform = 'upper'),
      '/captureHooks/0/mapping/0/transform',
    ],
    ['an unknown auth scheme', (d: any) => (d.captureHooks[0].auth.scheme = 'basic'), '/captureHooks/0/auth'],
    [
      'a duplicate hook id',
      (d: any) => d.captureHooks.push(structuredClone(d.captureHooks[0])),
      '/captureHooks/1/id',
    ],
  ])('refuses %s at its path', (_what, change, path) => {
    const found = issues(change);
    expect(
      found.map((i) => i.path).some((p) => p.startsWith(path)),
      JSON.stringify(found),
    ).toBe(true);
  });
});

describe('resolvePointer', () => {
  it.each([
    ['', { a: 1 }, { found: true, value: { a: 1 } }],
    ['/a/0/b', { a: [{ b: 2 }] }, { found: true, value: 2 }],
    ['/a~1b/c~0d', { 'a/b': { 'c~d': 3 } }, { found: true, value: 3 }],
    ['/a/1', { a: [1] }, { found: false }],
    ['/a/01', { a: [1, 2] }, { found: false }],
    ['/toString', {}, { found: false }],
    ['/__proto__', {}, { found: false }],
  ])('resolves %j', (pointer, doc, expected) => expect(resolvePointer(doc, pointer)).toEqual(expected));
});

describe('mapCapturePayload', () => {
  it('maps, transforms and loosens values into the fields’ forms, with defaults and the key', () => {
    const result = mapCapturePayload(
      doc,
      hook,
      request({
        msgId: 98765,
        user: { name: '  张伟 ', phone: ' +86 138-0013-8000', email: ' ZW@Example.CN ' },
        gender: 1,
        visitedAt: '2026/2/28',
        signedUp: 1772330400,
        score: '88',
        vip: '是',
        tags: '热, B2B',
      }),
      ctx,
    );
    expect(result).toEqual({
      ok: true,
      issues: [],
      idempotencyKey: '98765',
      values: {
        name: '张伟',
        mobile: '13800138000',
        email: 'zw@example.cn',
        gender: 'male',
        visited: '2026-02-28',
        signedAt: '2026-03-01T10:00:00.000+08:00',
        score: 88,
        vip: true,
        tags: ['hot', 'b2b'],
        note: 'from the official account',
        source: 'wechat',
      },
      sources: {
        name: '/user/name',
        mobile: '/user/phone',
        email: '/user/email',
        gender: '/gender',
        visited: '/visitedAt',
        signedAt: '/signedUp',
        score: '/score',
        vip: '/vip',
        tags: '/tags',
      },
    });
  });

  it('reads local date-times in the app’s zone and epoch milliseconds', () => {
    const at = (signedUp: unknown) =>
      mapCapturePayload(doc, hook, request({ msgId: 'k', user: { name: 'A' }, signedUp }), ctx).values
        .signedAt;
    expect(at('2026-03-01 09:30')).toBe('2026-03-01T09:30:00.000+08:00');
    expect(at('2026年3月1日 9:30:15')).toBe('2026-03-01T09:30:15.000+08:00');
    expect(at(1772330400000)).toBe('2026-03-01T10:00:00.000+08:00');
    expect(at('2026-03-01T01:00:00Z')).toBe('2026-03-01T09:00:00.000+08:00');
  });

  it('names the payload path of every value it cannot map', () => {
    const result = mapCapturePayload(
      doc,
      hook,
      request({
        user: { name: ' ', phone: '12345' },
        gender: 3,
        visitedAt: '2026-02-30',
        signedUp: { at: 1 },
      }),
      ctx,
    );
    expect(result.ok).toBe(false);
    expect(result.issues).toEqual([
      { path: '/user/name', message: 'is required' },
      { path: '/user/phone', message: 'is not a phone number' },
      { path: '/visitedAt', message: 'is not a date' },
      { path: '/signedUp', message: 'must be a value, not an object' },
      { path: '/msgId', message: 'is required (the idempotency key)' },
    ]);
  });

  it('takes the idempotency key from a header when the hook says so', () => {
    const byHeader: CaptureHook = { ...hook, idempotencyKey: { header: 'X-Request-Id' } };
    const ok = mapCapturePayload(
      doc,
      byHeader,
      request({ user: { name: 'A' } }, { 'x-request-id': 'r-1' }),
      ctx,
    );
    expect(ok.idempotencyKey).toBe('r-1');
    const missing = mapCapturePayload(doc, byHeader, request({ user: { name: 'A' } }), ctx);
    expect(missing.issues).toEqual([
      { path: '/headers/x-request-id', message: 'is required (the idempotency key)' },
    ]);
  });

  it('renames record issues to the payload paths their values came from', () => {
    expect(
      capturePayloadIssues(
        [
          { path: '/mobile', message: 'must be a phone number' },
          { path: '/tags/1', message: 'must be one of the field’s option ids' },
          { path: '/source', message: 'is required' },
        ],
        { mobile: '/user/phone', tags: '/tags' },
      ),
    ).toEqual([
      { path: '/user/phone', message: 'must be a phone number (field "mobile")' },
      { path: '/tags', message: 'must be one of the field’s option ids (field "tags")' },
      { path: '', message: 'is required (field "source")' },
    ]);
  });
});

describe('previewCapture', () => {
  it('adds what the record validator refuses, by payload path', () => {
    const preview = previewCapture(
      doc,
      hook,
      request({
        msgId: 'm1',
        user: { name: 'A name far longer than twenty chars' },
        score: 120,
        tags: ['hot', 'cold'],
      }),
      { ...ctx, locale: 'en' },
    );
    expect(preview.ok).toBe(false);
    expect(preview.values.name).toBe('A name far longer than twenty chars');
    expect(preview.issues.map((i) => i.path).sort()).toEqual(['/score', '/tags', '/user/name']);
    expect(preview.issues.find((i) => i.path === '/score')!.message).toContain('field "score"');
  });

  it('passes a good payload', () => {
    const preview = previewCapture(doc, hook, request({ msgId: 'm2', user: { name: 'Li Na' } }), {
      ...ctx,
      locale: 'en',
    });
    expect(preview).toMatchObject({ ok: true, issues: [], values: { name: 'Li Na', source: 'wechat' } });
  });
});
