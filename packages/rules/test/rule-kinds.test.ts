import { describe, expect, it } from 'vitest';
import {
  type AssignmentRuleSet,
  type AssignmentState,
  analyzeAssignmentRules,
  assignOwner,
  evaluateLinkage,
  type FieldLabel,
  type ScoringModel,
  scoreRecord,
  validateRecord,
} from '../src/index.js';

const v = (key: string) => ({ var: key });

describe('validation rules', () => {
  const rules = [
    {
      id: 'amount-positive',
      condition: { dec_gt: [v('amount'), '0'] },
      message: { 'zh-CN': '金额必须大于 0', en: 'Amount must be positive' },
      path: 'amount',
    },
    {
      id: 'reason-when-lost',
      when: { '==': [v('stage'), 'lost'] },
      condition: { is_not_empty: [v('reason')] },
      message: { 'zh-CN': '请填写输单原因', en: 'Give a reason' },
      path: 'reason',
    },
    {
      id: 'stage-frozen',
      when: { '==': [{ old: 'stage' }, 'won'] },
      condition: { '!': [{ changed: 'stage' }] },
      message: { 'zh-CN': '赢单后不能修改阶段', en: 'Stage is frozen once won' },
      path: 'stage',
    },
  ];
  it.each<[string, Record<string, unknown>, Record<string, unknown> | null, string[]]>([
    ['valid', { amount: '10.00', stage: 'open' }, null, []],
    ['zero amount', { amount: '0.00', stage: 'open' }, null, ['amount-positive']],
    ['lost without reason', { amount: '1', stage: 'lost', reason: '' }, null, ['reason-when-lost']],
    ['won stage changed', { amount: '1', stage: 'open' }, { stage: 'won' }, ['stage-frozen']],
    [
      'all at once',
      { amount: null, stage: 'lost' },
      { stage: 'won' },
      ['amount-positive', 'reason-when-lost', 'stage-frozen'],
    ],
  ])('%s', (_name, record, previous, failed) => {
    const failures = validateRecord(rules, record, { previous });
    expect(failures.map((f) => f.ruleId)).toEqual(failed);
    for (const f of failures) expect(f.message).toEqual(rules.find((r) => r.id === f.ruleId)!.message);
  });
});

describe('linkage rules', () => {
  const rules = [
    { id: 'company', when: { '==': [v('type'), 'company'] }, action: 'show' as const, fields: ['tax_id'] },
    { id: 'vip', when: { in: ['vip', v('tags')] }, action: 'require' as const, fields: ['phone', 'email'] },
    {
      id: 'closed',
      when: { '==': [v('status'), 'closed'] },
      action: 'readOnly' as const,
      fields: ['amount'],
    },
    {
      id: 'hide-internal',
      when: { '!': [{ in: ['staff', { current_user_roles: [] }] }] },
      action: 'hide' as const,
      fields: ['notes'],
    },
    {
      id: 'total',
      when: true,
      action: 'setValue' as const,
      fields: ['total'],
      value: { dec_mul: [v('price'), v('qty')] },
    },
    { id: 'big', when: { dec_gt: [v('total'), '1000'] }, action: 'require' as const, fields: ['approver'] },
  ];
  it('computes the field-state map, with set values feeding later conditions', () => {
    const result = evaluateLinkage(
      rules,
      { type: 'person', tags: ['vip'], status: 'closed', price: '600.00', qty: 2 },
      { ctx: { user: { id: 'u', roleIds: ['sales'] } } },
    );
    expect(result.fields.tax_id).toEqual({ visible: false, required: false, readOnly: false });
    expect(result.fields.phone?.required).toBe(true);
    expect(result.fields.amount?.readOnly).toBe(true);
    expect(result.fields.notes?.visible).toBe(false);
    expect(result.fields.total?.value).toBe('1200');
    expect(result.fields.approver?.required).toBe(true);
    expect(result.record.total).toBe('1200');
  });
  it('shows when any show rule matches and respects the base state', () => {
    const result = evaluateLinkage(
      rules.slice(0, 1),
      { type: 'company' },
      { base: { tax_id: { required: true } } },
    );
    expect(result.fields.tax_id).toEqual({ visible: true, required: true, readOnly: false });
  });
  it('detects set values that never settle', () => {
    const loop = [
      { id: 'inc', when: true, action: 'setValue' as const, fields: ['n'], value: { '+': [v('n'), 1] } },
    ];
    expect(() => evaluateLinkage(loop, { n: 0 })).toThrow(/do not settle/);
  });
});

const LABELS: FieldLabel[] = [
  {
    key: 'region',
    label: { 'zh-CN': 'region', en: 'region' },
    options: [
      { id: 'east', label: { 'zh-CN': '华东', en: 'East China' } },
      { id: 'north', label: { 'zh-CN': '华北', en: 'North China' } },
      { id: 'south', label: { 'zh-CN': '华南', en: 'South China' } },
    ],
  },
];
const STATE: AssignmentState = {
  teams: {
    sh: { name: { 'zh-CN': '上海组', en: 'Shanghai team' }, members: ['zw', 'lf', 'wq'] },
    bj: { name: { 'zh-CN': '北京组', en: 'Beijing team' }, members: ['ls', 'off'] },
    pool: { name: { 'zh-CN': '公海', en: 'Pool' }, members: ['ls'] },
  },
  users: {
    zw: { name: { 'zh-CN': '张伟', en: 'Zhang Wei' }, openCount: 4 },
    lf: { name: { 'zh-CN': '李芳', en: 'Li Fang' }, openCount: 2 },
    wq: { name: { 'zh-CN': '王强', en: 'Wang Qiang' }, openCount: 2 },
    ls: { name: { 'zh-CN': '刘思', en: 'Liu Si' }, openCount: 0 },
    off: { name: { 'zh-CN': '离职', en: 'Gone' }, active: false },
  },
  cursors: { sh: 0 },
};
const RULES: AssignmentRuleSet = {
  rules: [
    {
      id: 'r-big',
      condition: { dec_gte: [v('amount'), '1000000'] },
      target: { user: 'ls' },
      strategy: 'fixed',
    },
    {
      id: 'r-east',
      condition: { '==': [v('region'), 'east'] },
      target: { team: 'sh' },
      strategy: 'round-robin',
    },
    {
      id: 'r-north',
      condition: { '==': [v('region'), 'north'] },
      target: { team: 'bj' },
      strategy: 'least-loaded',
    },
  ],
  fallback: { target: { team: 'pool' }, strategy: 'fixed' },
};

describe('assignment rules', () => {
  it('explains a round-robin pick in both languages and returns the cursor to persist', () => {
    const result = assignOwner(RULES, { region: 'east', amount: '10' }, STATE, { labels: LABELS });
    expect(result.owner).toBe('zw');
    expect(result.ruleId).toBe('r-east');
    expect(result.changes).toEqual([{ kind: 'cursor', team: 'sh', next: 1 }]);
    expect(result.explanation['zh-CN']).toBe('规则 2：region = 华东 → 上海组，轮询 → 张伟');
    expect(result.explanation.en).toBe(
      'Rule 2: region = East China → Shanghai team, round-robin → Zhang Wei',
    );
  });
  it('round-robin advances with the state passed in', () => {
    const owners: string[] = [];
    let cursors = { sh: 0 };
    for (let i = 0; i < 4; i++) {
      const r = assignOwner(RULES, { region: 'east' }, { ...STATE, cursors });
      owners.push(r.owner!);
      const change = r.changes[0];
      if (change?.kind === 'cursor') cursors = { sh: change.next };
    }
    expect(owners).toEqual(['zw', 'lf', 'wq', 'zw']);
  });
  it('least-loaded skips inactive members and counts the new record', () => {
    const r = assignOwner(RULES, { region: 'north' }, STATE, { labels: LABELS });
    expect(r.owner).toBe('ls');
    expect(r.changes).toEqual([{ kind: 'openCount', user: 'ls', next: 1 }]);
    expect(r.explanation.en).toBe('Rule 3: region = North China → Beijing team, least-loaded → Liu Si');
  });
  it('fixed rule first in order', () => {
    const r = assignOwner(RULES, { region: 'east', amount: '2000000.00' }, STATE);
    expect([r.owner, r.ruleId]).toEqual(['ls', 'r-big']);
    expect(r.explanation['zh-CN']).toBe(
      '规则 1：{"dec_gte":[{"var":"amount"},"1000000"]} → 刘思，固定 → 刘思',
    );
  });
  it('falls back, and says so', () => {
    const r = assignOwner(RULES, { region: 'south' }, STATE);
    expect([r.owner, r.ruleId]).toEqual(['ls', 'fallback']);
    expect(r.explanation['zh-CN']).toBe('无规则匹配，使用兜底 → 公海，固定 → 刘思');
  });
  it('reports when nobody can be chosen', () => {
    const r = assignOwner({ rules: RULES.rules }, { region: 'south' }, STATE);
    expect(r.owner).toBeNull();
    expect(r.explanation.en).toBe('No rule matched and there is no fallback');
  });
  it('weighted picks follow smooth weighted round-robin deterministically', () => {
    const set: AssignmentRuleSet = {
      rules: [
        {
          id: 'w',
          condition: true,
          target: { team: 'sh' },
          strategy: 'weighted',
          weights: { zw: 5, lf: 1, wq: 1 },
        },
      ],
    };
    let weighted: Record<string, Record<string, number>> = {};
    const picks: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = assignOwner(set, {}, { ...STATE, weighted });
      picks.push(r.owner!);
      const change = r.changes[0];
      if (change?.kind === 'weights') weighted = { [change.key]: { ...change.current } };
    }
    expect(picks).toEqual(['zw', 'zw', 'lf', 'zw', 'wq', 'zw', 'zw']);
  });

  it('finds gaps over select options, a missing fallback and shadowed rules', () => {
    const fields = [{ key: 'region', kind: 'text' as const, options: ['east', 'north', 'south'] }];
    const set: AssignmentRuleSet = {
      rules: [
        {
          id: 'a',
          condition: { in: [v('region'), ['east', 'north']] },
          target: { team: 'sh' },
          strategy: 'fixed',
        },
        { id: 'b', condition: { '==': [v('region'), 'east'] }, target: { team: 'bj' }, strategy: 'fixed' },
        {
          id: 'c',
          condition: { or: [{ '==': [v('region'), 'north'] }, { '==': [v('region'), 'east'] }] },
          target: { team: 'bj' },
          strategy: 'fixed',
        },
      ],
    };
    const analysis = analyzeAssignmentRules(set, fields);
    expect(analysis.missingFallback).toBe(true);
    expect(analysis.gaps).toEqual([
      { values: { region: 'south' }, certain: true },
      { values: { region: null }, certain: true },
    ]);
    expect(analysis.shadowed).toEqual([
      { ruleId: 'b', shadowedBy: 'a' },
      { ruleId: 'c', shadowedBy: 'a' },
    ]);
  });
  it('finds shadowing on text fields by constraints and marks gaps uncertain with opaque rules', () => {
    const set: AssignmentRuleSet = {
      rules: [
        { id: 'a', condition: { '==': [v('city'), '上海'] }, target: { team: 'sh' }, strategy: 'fixed' },
        {
          id: 'b',
          condition: { and: [{ '==': [v('city'), '上海'] }, { '==': [v('region'), 'east'] }] },
          target: { team: 'sh' },
          strategy: 'fixed',
        },
        { id: 'c', condition: { '==': [v('region'), 'north'] }, target: { team: 'bj' }, strategy: 'fixed' },
      ],
      fallback: { target: { team: 'pool' }, strategy: 'fixed' },
    };
    const analysis = analyzeAssignmentRules(set, [
      { key: 'region', kind: 'text', options: ['east', 'north'] },
      { key: 'city', kind: 'text' },
    ]);
    expect(analysis.missingFallback).toBe(false);
    expect(analysis.shadowed).toEqual([{ ruleId: 'b', shadowedBy: 'a' }]);
    expect(analysis.gaps.every((g) => !g.certain)).toBe(true);
    expect(analysis.gaps.map((g) => g.values.region)).toEqual(['east', null]);
  });
});

describe('scoring models', () => {
  const NOW = new Date('2026-03-01T00:00:00Z');
  const model: ScoringModel = {
    attributes: [
      { id: 'industry', condition: { '==': [v('industry'), 'manufacturing'] }, points: 20 },
      { id: 'size', condition: { '>=': [v('employees'), 500] }, points: 15 },
      { id: 'budget', condition: { dec_gte: [v('budget'), '100000'] }, points: 25 },
    ],
    behaviours: [
      { id: 'webinar', eventType: 'webinar', points: 10, decay: { kind: 'exponential', halfLifeDays: 30 } },
      {
        id: 'visit',
        eventType: 'visit',
        points: 2,
        decay: { kind: 'linear', zeroAfterDays: 10 },
        maxPoints: 3,
      },
      {
        id: 'pricing',
        eventType: 'visit',
        condition: { contains: [v('url'), '/pricing'] },
        points: 5,
        windowDays: 7,
      },
    ],
    grades: [
      { grade: 'A', min: 80 },
      { grade: 'B', min: 60 },
      { grade: 'C', min: 40 },
    ],
  };
  const events = [
    { type: 'webinar', at: '2026-03-01T00:00:00Z' },
    { type: 'webinar', at: '2026-01-30T00:00:00Z' }, // 30 days old: half
    { type: 'visit', at: '2026-02-27T00:00:00Z', data: { url: '/pricing' } }, // 2 days: 0.8 × 2, + 5
    { type: 'visit', at: '2026-02-26T00:00:00Z', data: { url: '/blog' } }, // 3 days: 0.7 × 2
    { type: 'visit', at: '2026-02-01T00:00:00Z', data: { url: '/pricing' } }, // outside window, decayed to 0
  ];
  it('returns total, grade and a per-condition breakdown', () => {
    const result = scoreRecord(
      model,
      { industry: 'manufacturing', employees: 800, budget: '50000.00' },
      events,
      { now: NOW },
    );
    expect(result.breakdown).toEqual([
      { conditionId: 'industry', kind: 'attribute', matched: true, events: 0, points: 20 },
      { conditionId: 'size', kind: 'attribute', matched: true, events: 0, points: 15 },
      { conditionId: 'budget', kind: 'attribute', matched: false, events: 0, points: 0 },
      { conditionId: 'webinar', kind: 'behaviour', matched: true, events: 2, points: 15 },
      { conditionId: 'visit', kind: 'behaviour', matched: true, events: 3, points: 3 },
      { conditionId: 'pricing', kind: 'behaviour', matched: true, events: 1, points: 5 },
    ]);
    expect(result.total).toBe(58);
    expect(result.grade).toBe('C');
  });
  it.each<[number, string]>([
    [80, 'A'],
    [79.99, 'B'],
    [40, 'C'],
    [10, 'D'],
  ])('grades %d as %s', (points, grade) => {
    const m: ScoringModel = { ...model, attributes: [{ id: 'x', condition: true, points }], behaviours: [] };
    expect(scoreRecord(m, {}, [], { now: NOW }).grade).toBe(grade);
  });
  it('needs the injected clock', () => {
    expect(() => scoreRecord(model, {}, [], {})).toThrow(/ctx.now/);
  });
});
