import { validateAppDocument } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { salesApp } from '../src/index.js';

describe('sales template', () => {
  it('is a valid metadata document', () => {
    const result = validateAppDocument(salesApp());
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('carries the five pipeline stages plus won/lost in order', () => {
    const opportunity = salesApp().entities.find((e) => e.id === 'opportunity')!;
    const stage = opportunity.fields.find((f) => f.id === 'stage');
    expect(stage?.type === 'singleSelect' && stage.options.map((o) => o.label['zh-CN'])).toEqual([
      '初步接洽',
      '需求分析',
      '方案报价',
      '商务谈判',
      '赢单',
      '输单',
    ]);
  });

  it('finds duplicate leads by mobile, e-mail and company name, accounts by name, contacts by mobile or e-mail', () => {
    const rules = (id: string) =>
      (salesApp().entities.find((e) => e.id === id)?.duplicateRules ?? []).map((r) => [r.fields, r.match]);
    expect(rules('lead')).toEqual([
      [['mobile'], 'phone'],
      [['email'], 'email'],
      [['company'], 'companyName'],
    ]);
    expect(rules('account')).toEqual([[['name'], 'companyName']]);
    expect(rules('contact')).toEqual([
      [['mobile'], 'phone'],
      [['email'], 'email'],
    ]);
  });

  it('gates the pipeline: each stage has a goal and a default probability; 方案报价 needs the needs-analysis report', () => {
    const stage = salesApp()
      .entities.find((e) => e.id === 'opportunity')!
      .fields.find((f) => f.id === 'stage');
    const options = stage?.type === 'singleSelect' ? stage.options : [];
    expect(options.map((o) => [o.id, o.defaults?.probability, o.requires ?? []])).toEqual([
      ['initial', '10', []],
      ['needs', '25', []],
      ['proposal', '50', ['needsReport']],
      ['negotiation', '75', ['needsReport', 'amount']],
      ['won', '100', ['needsReport', 'amount']],
      ['lost', '0', ['lossReason']],
    ]);
    expect(options.every((o) => o.description?.['zh-CN'])).toBe(true);
    expect(stage?.trackChanges).toBe(true);
  });

  it('takes leads in through capture hooks for the website, the WeChat official account and lead platforms', () => {
    const hooks = salesApp().captureHooks ?? [];
    expect(
      hooks.map((h) => [h.id, h.entity, h.channel, h.auth.scheme, h.defaults?.source, h.idempotencyKey]),
    ).toEqual([
      ['website', 'lead', 'website', 'hmac-sha256', 'website', { pointer: '/submissionId' }],
      ['wechat_mp', 'lead', 'wechat', 'hmac-sha256', 'wechat', { pointer: '/msgId' }],
      ['lead_platform', 'lead', 'platform', 'bearer', 'third_party', { header: 'X-Request-Id' }],
    ]);
    // Each hook has its own secret; every one requires a name and normalises mobile and e-mail.
    expect(new Set(hooks.map((h) => h.auth.secret)).size).toBe(3);
    for (const hook of hooks) {
      const to = (field: string) => hook.mapping.find((m) => m.to === field);
      expect(to('name')?.required, hook.id).toBe(true);
      expect(to('mobile')?.transform, hook.id).toBe('phone');
      expect(to('email')?.transform, hook.id).toEqual(['trim', 'lower']);
    }
  });

  it('assigns unowned and imported leads by rule', () => {
    const assign = salesApp().flows?.find((f) => f.key === 'leadAssign');
    expect(assign?.trigger).toEqual({
      kind: 'recordCreated',
      entity: 'lead',
      condition: { or: [{ is_empty: [{ var: 'ownerId' }] }, { '==': [{ var: 'source' }, 'import'] }] },
    });
  });

  it('carries its lead automation as flows, and the pool, scoring and conversion as lead metadata', () => {
    const app = salesApp();
    expect(app.flows?.map((f) => f.key)).toEqual([
      'leadAssign',
      'taskDueReminder',
      'leadWelcome',
      'productAWhitepaper',
      'leadNoFollowUp3d',
      'leadNoFollowUp5d',
      'followUpTouch',
      'leadScoreNew',
      'leadScoreChange',
      'leadScoreEvent',
      'leadScoreDaily',
      'leadRecycle',
    ]);
    const lead = app.entities.find((e) => e.id === 'lead')!;
    expect(lead.pool?.claimLimitPerDay).toBe(10);
    expect(lead.scoring?.model.grades.map((g) => g.grade)).toEqual(['A', 'B', 'C']);
    expect(lead.conversions?.[0]?.targets.map((t) => t.entity)).toEqual([
      'account',
      'contact',
      'opportunity',
    ]);
    const rep = app.roles?.find((r) => r.key === 'rep')?.grants.find((g) => g.entity === 'lead');
    expect(rep?.actions).toContain('claim');
  });
});
