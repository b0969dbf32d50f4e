import type { Flow } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { listensTo, matchesLinkClick, matchesRecordEvent, rewriteLinks } from '../src/index.js';

const flow = (trigger: Flow['trigger'], extra: Partial<Flow> = {}): Flow => ({
  id: 'f',
  key: 'f',
  label: { en: 'F' },
  trigger,
  start: 'e',
  nodes: [{ id: 'e', kind: 'end' }],
  ...extra,
});
const ctx = { now: new Date('2026-03-01T00:00:00Z'), timeZone: 'Asia/Shanghai' };
const created = (form?: string, after: Record<string, unknown> = { name: 'x' }) => ({
  kind: 'created' as const,
  entity: 'lead',
  recordId: 'r1',
  before: null,
  after,
  ...(form ? { form } : {}),
});

describe('form-submitted and link-clicked triggers', () => {
  const onForm = flow({ kind: 'formSubmitted', form: 'signup', condition: { '!!': [{ var: 'email' }] } });

  it.each([
    ['the form, condition holds', created('signup', { email: 'a@b.cn' }), true],
    ['the form, condition fails', created('signup', {}), false],
    ['another form', created('other', { email: 'a@b.cn' }), false],
    ['no form (API write)', created(undefined, { email: 'a@b.cn' }), false],
    [
      'an update through the form',
      { ...created('signup', { email: 'a@b.cn' }), kind: 'updated' as const },
      false,
    ],
  ])('%s', (_, event, expected) => {
    expect(matchesRecordEvent(onForm, event, ctx)).toBe(expected);
  });

  it('listens to a form’s submissions only', () => {
    expect(listensTo(onForm, 'lead', 'signup')).toBe(true);
    expect(listensTo(onForm, 'lead')).toBe(false);
    expect(listensTo(onForm, 'lead', 'other')).toBe(false);
    expect(matchesRecordEvent(flow({ kind: 'recordCreated', entity: 'lead' }), created('signup'), ctx)).toBe(
      true,
    );
  });

  it('matches clicks by label, and not for disabled flows', () => {
    const click = {
      kind: 'linkClicked' as const,
      entity: null,
      recordId: null,
      label: 'pricing',
      url: 'https://x.cn',
      runId: 'r',
    };
    expect(matchesLinkClick(flow({ kind: 'linkClicked' }), click)).toBe(true);
    expect(matchesLinkClick(flow({ kind: 'linkClicked', label: 'pricing' }), click)).toBe(true);
    expect(matchesLinkClick(flow({ kind: 'linkClicked', label: 'about' }), click)).toBe(false);
    expect(matchesLinkClick(flow({ kind: 'linkClicked' }, { enabled: false }), click)).toBe(false);
    expect(matchesLinkClick(flow({ kind: 'webhook' }), click)).toBe(false);
  });

  it('rewrites http(s) links with their label, leaving other schemes and escaping the new href', () => {
    const seen: Array<{ url: string; label: string }> = [];
    const html = rewriteLinks(
      '<p><a class="b" href="https://x.cn/p?a=1&amp;b&#x3D;2" data-track="pricing">Prices</a>' +
        '<a href=\'http://x.cn/about\'>About <b>us</b></a><a href="mailto:a@b.cn">m</a><a name="top">t</a></p>',
      (link) => {
        seen.push(link);
        return `/t/${seen.length}"&`;
      },
    );
    expect(seen).toEqual([
      { url: 'https://x.cn/p?a=1&b=2', label: 'pricing' },
      { url: 'http://x.cn/about', label: 'About us' },
    ]);
    expect(html).toBe(
      '<p><a class="b" href="/t/1&#x22;&#x26;" data-track="pricing">Prices</a>' +
        '<a href="/t/2&#x22;&#x26;">About <b>us</b></a><a href="mailto:a@b.cn">m</a><a name="top">t</a></p>',
    );
  });
});
