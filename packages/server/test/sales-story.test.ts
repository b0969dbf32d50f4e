import { createHmac } from 'node:crypto';
import { type ScoringModel, scoreRecord } from '@dougong/rules';
import { leadScoring, PRODUCT_A_URL, salesApp, WHITEPAPER_A_URL } from '@dougong/template-sales';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clone, createHttpFixture, type HttpFixture } from './support/http-fixture.js';
import { type SmtpSink, startSmtpSink } from './support/sinks.js';

// The sales template's part-1 story through the public HTTP API, on a fresh database: capture (public
// form and capture hooks), rule-based assignment with explanations, nurturing e-mails with tracked links
// and opens, reminders and escalation, scoring with decay, the pool with claims, conversion into an
// existing account, the pipeline's gates, and a list import with its report.

const PASSWORD = 'Passw0rd!x';
const DAY = 86_400_000;
const api = '/api/apps/sales/entities';

/** Decodes a quoted-printable MIME body. */
const unQp = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
const bodyOf = (raw: string) => Buffer.from(unQp(raw), 'latin1').toString('utf8');
const subjectOf = (raw: string) => {
  const encoded = /^Subject: (.+(?:\r?\n .+)*)/m.exec(raw)?.[1] ?? '';
  return encoded
    .split(/\r?\n /)
    .map((part) =>
      part.replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_, kind: string, text: string) =>
        kind.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64').toString('utf8')
          : Buffer.from(unQp(text.replace(/_/g, ' ')), 'latin1').toString('utf8'),
      ),
    )
    .join('')
    .replace(/\s+/g, ' ');
};

type Session = { id: string; headers: Record<string, string> };

describe('sales story, part 1: from capture to a lost deal', () => {
  let fx: HttpFixture;
  let smtp: SmtpSink;
  const users: Record<string, string> = {};
  const sessions: Record<string, Session> = {};
  const leads: Record<string, string> = {};
  let ip = 0;

  const request = async (
    who: string,
    method: 'GET' | 'POST' | 'PATCH' | 'PUT',
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }> => {
    const session = sessions[who]!;
    const res = await fx.app.inject({
      method,
      url,
      headers: { ...session.headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
  };
  const signIn = async (login: string) => {
    const res = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: login, password: PASSWORD }),
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = JSON.parse(res.body);
    sessions[login] = {
      id: body.user.id,
      headers: { cookie: String(res.headers['set-cookie']).split(';')[0]!, 'x-csrf-token': body.csrfToken },
    };
  };
  // Sessions idle out after 30 minutes: moving the clock by days signs everyone in again.
  const travel = async (ms: number) => {
    fx.clock.tick(ms);
    for (const login of Object.keys(sessions)) await signIn(login);
    await fx.app.flows.runtime.runUntilIdle();
  };
  // The administrator's work after set-up runs as `ops` (all rights), whose session `travel` renews.
  const admin = async (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, body?: unknown) =>
    sessions.ops ? request('ops', method, url, body) : fx.api(method, url, body);
  const publish = async (doc: ReturnType<typeof salesApp>) => {
    expect((await admin('PUT', '/api/apps/sales/draft', doc)).status).toBe(200);
    expect((await admin('POST', '/api/apps/sales/publish', {})).status).toBe(200);
  };
  const lead = async (id: string) => (await admin('GET', `${api}/lead/records/${id}`)).body;
  const inbox = async (login: string) =>
    ((await request(login, 'GET', '/api/flows/inbox')).body.items as Array<{ title: string }>).map(
      (i) => i.title,
    );
  // Addresses compare without case (imports keep an address as written).
  const mailsTo = (address: string) =>
    smtp.messages.filter((m) => m.to.some((to: string) => to.toLowerCase() === address.toLowerCase()));
  const anon = (method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}) =>
    fx.app.inject({
      method,
      url,
      headers: {
        'x-forwarded-for': `198.51.100.${++ip}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  // Capture hooks: their secrets are set once in the designer; senders sign or present them.
  const hookSecrets: Record<string, string> = {};
  const capture = async (hookId: string, payload: unknown, headers: Record<string, string> = {}) => {
    if (!hookSecrets[hookId]) {
      const res = await admin('POST', `/api/apps/sales/capture-hooks/${hookId}/secret`, {});
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      hookSecrets[hookId] = res.body.secret;
    }
    const secret = hookSecrets[hookId]!;
    const body = JSON.stringify(payload);
    const res = await fx.app.inject({
      method: 'POST',
      url: `/api/public/capture/sales/${hookId}`,
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': `198.51.100.${++ip}`,
        ...(hookId === 'lead_platform'
          ? { authorization: `Bearer ${secret}` }
          : { 'x-dougong-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` }),
        ...headers,
      },
      payload: body,
    });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
  };
  const leadByName = async (name: string) => {
    const res = await admin(
      'GET',
      `${api}/lead/records?filter=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'name' }, name] }))}`,
    );
    expect(res.body.items, name).toHaveLength(1);
    return res.body.items[0];
  };

  beforeAll(async () => {
    smtp = await startSmtpSink();
    fx = await createHttpFixture({
      flows: {
        secretKey: 'sales-story-key',
        smtp: { host: '127.0.0.1', port: smtp.port, from: 'sales@example.cn' },
        publicUrl: 'https://crm.example.cn',
      },
    });
    // Install the template: its document, published as any app is.
    await fx.publish(salesApp());

    // The organisation: 销售部 (director) → 上海组 (manager 周), 广州组 (manager 吴), 内销与行业组.
    const user = async (login: string, name: string, roles: string[], rights: string[] = []) => {
      const res = await admin('POST', '/api/users', {
        login,
        name,
        password: PASSWORD,
        email: `${login}@example.cn`,
        rights,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      users[login] = res.body.id;
      expect((await admin('PUT', `/api/users/${res.body.id}/roles/sales`, { roles })).status).toBe(200);
    };
    await user('ops', '管理员', [], ['allData', 'editMetadata', 'publish', 'manageUsers']);
    await user('director', '陈总监', ['director']);
    await user('mgr_sh', '周经理', ['manager']);
    await user('mgr_gz', '吴经理', ['manager']);
    await user('rep_gz', '郑一', ['rep']);
    await user('rep_sh1', '张三', ['rep']);
    await user('rep_sh2', '李四', ['rep']);
    await user('expert', '王工', ['industryExpert']);
    await user('inside1', '孙一', ['insideSales']);
    await user('inside2', '孙二', ['insideSales']);
    const dept = async (name: string, head: string, parentId?: string) => {
      const res = await admin('POST', '/api/departments', {
        name,
        headUserId: users[head],
        ...(parentId ? { parentId } : {}),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    const sales = await dept('销售部', 'director');
    const sh = await dept('上海组', 'mgr_sh', sales);
    const gz = await dept('广州组', 'mgr_gz', sales);
    const inside = await dept('内销与行业组', 'mgr_sh', sales);
    const member = async (login: string, departmentId: string) =>
      expect(
        (
          await admin('PUT', `/api/users/${users[login]}/departments`, {
            memberships: [{ departmentId, primary: true }],
          })
        ).status,
      ).toBe(200);
    for (const [login, d] of [
      ['director', sales],
      ['mgr_sh', sales],
      ['mgr_gz', sales],
      ['rep_gz', gz],
      ['rep_sh1', sh],
      ['rep_sh2', sh],
      ['expert', inside],
      ['inside1', inside],
      ['inside2', inside],
    ] as const)
      await member(login, d);
    for (const login of Object.keys(users)) await signIn(login);

    // Territories name the team of each region; an account exists already (from last year's fair).
    for (const [name, region, team] of [
      ['华东区', 'east', sh],
      ['华南区', 'south', gz],
    ] as const)
      expect((await admin('POST', `${api}/territory/records`, { name, region, team })).status).toBe(201);
    expect(
      (
        await admin('POST', `${api}/account/records`, {
          name: '上海华东机械股份有限公司',
          industry: 'manufacturing',
        })
      ).status,
    ).toBe(201);
  });
  afterAll(async () => {
    await fx?.close();
    await smtp?.close();
  });

  it('captures a trade-show sign-up and leads from capture hooks (one delivered twice), and assigns each by rule with its explanation', async () => {
    const form = await anon('POST', '/api/public/forms/sales/lead_signup/submissions', {
      values: {
        name: '王芳',
        company: '深圳云启科技有限公司',
        title: 'IT总监',
        mobile: '13800000001',
        email: 'wangfang@example.cn',
        industry: 'it',
      },
    });
    expect(form.statusCode, form.body).toBe(201);
    // A third-party lead platform pushes two leads (bearer secret); it delivers 张伟 twice (same
    // X-Request-Id): one lead, and the second answer names the first.
    const platform = async (body: Record<string, unknown>, requestId: string) =>
      capture('lead_platform', body, { 'x-request-id': requestId });
    const zhangwei = {
      name: '张伟',
      company: '上海 华东 机械有限公司',
      title: '采购经理',
      mobile: '+86 139-0000-0002',
      email: ' ZhangWei@Example.cn ',
      industry: 'energy',
      region: '华东',
    };
    const first = await platform(zhangwei, 'pf-1');
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toEqual({ id: expect.any(String), created: true });
    const redelivered = await platform(zhangwei, 'pf-1');
    expect(redelivered.status).toBe(200);
    expect(redelivered.body).toEqual({ id: first.body.id, created: false, duplicateOf: first.body.id });
    expect(
      (
        await platform(
          {
            name: '李强',
            company: '苏州精工制造有限公司',
            mobile: '13900000003',
            email: 'liqiang@example.cn',
            industry: '制造业',
            region: 'east',
          },
          'pf-2',
        )
      ).status,
    ).toBe(201);
    // A wrong secret is refused before anything is written.
    const forged = await anon(
      'POST',
      '/api/public/capture/sales/lead_platform',
      { name: '伪造' },
      {
        authorization: 'Bearer chs_not-the-secret',
        'x-request-id': 'pf-x',
      },
    );
    expect(forged.statusCode).toBe(401);
    // The website signs its submissions; its leads default to 来源 = 官网.
    for (const [submissionId, name, company, email] of [
      ['web-1', '赵敏', '杭州官网一号', 'zhaomin@example.cn'],
      ['web-2', '钱六', '杭州官网二号', 'qianliu@example.cn'],
    ] as const) {
      const res = await capture('website', { submissionId, name, company, email, utm: { source: 'baidu' } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    await fx.app.flows.runtime.runUntilIdle();

    const expected: Array<[string, string, string]> = [
      ['王芳', 'rep_gz', '无规则匹配，使用兜底 → 销售代表，最少负载 → 郑一'],
      ['张伟', 'rep_sh1', '规则 3：大区 = 华东 → 上海组，最少负载 → 张三'],
      ['李强', 'expert', '规则 1：行业 = 制造业 → 行业专家组（制造业），最少负载 → 王工'],
    ];
    // Website leads take turns among inside sales, in whichever order the runs went.
    const website = [await leadByName('赵敏'), await leadByName('钱六')];
    const turns = website.map((r) => (r.ownerId === users.inside1 ? 'inside1' : 'inside2'));
    expect([...turns].sort()).toEqual(['inside1', 'inside2']);
    for (const [i, r] of website.entries())
      expected.push([
        r.name,
        turns[i]!,
        `规则 2：来源 = 官网 → 内部销售（官网线索），轮询 → ${turns[i] === 'inside1' ? '孙一' : '孙二'}`,
      ]);
    for (const [name, owner, why] of expected) {
      const record = await leadByName(name);
      leads[name] = record.id;
      expect(record, name).toMatchObject({ ownerId: users[owner], assignmentNote: why });
      expect(record.assignedAt).toBe('2026-03-01T10:00:00.000+08:00');
      // The follow-up task: due the next day, owned by and assigned to the rep, linked to the lead.
      const tasks = await request(owner, 'GET', `${api}/task/records`);
      expect(tasks.body.items.filter((t: { lead: string }) => t.lead === record.id)).toMatchObject([
        { assignee: users[owner], dueAt: '2026-03-02T10:00:00.000+08:00', done: false },
      ]);
      expect(await inbox(owner)).toContain(`新线索：${name}（${record.company}）`);
    }
    // The form lead kept its trade-show attribution; the hooks' leads carry their channel's source,
    // normalised values and, in their history, the delivery.
    expect(await lead(leads.王芳!)).toMatchObject({ source: 'event' });
    expect(await lead(leads.张伟!)).toMatchObject({
      source: 'third_party',
      mobile: '13900000002',
      email: 'zhangwei@example.cn',
      region: 'east',
      createdBy: null,
    });
    expect(await lead(leads.李强!)).toMatchObject({ source: 'third_party', industry: 'manufacturing' });
    expect(await lead(leads.赵敏!)).toMatchObject({ source: 'website', utmSource: 'baidu' });
    const history = await admin('GET', `${api}/lead/records/${leads.张伟}/history`);
    expect(history.body.items[0]).toMatchObject({
      action: 'create',
      source: { kind: 'capture', hook: 'lead_platform', channel: 'platform', key: 'pf-1' },
    });
    // Reps see their own leads only.
    const mine = await request('rep_sh1', 'GET', `${api}/lead/records`);
    expect(mine.body.items.map((r: { id: string }) => r.id)).toEqual([leads.张伟]);
  });

  it('sends each new lead the welcome e-mail once; a product-A click sends the whitepaper once; opens and clicks are events', async () => {
    const welcome = mailsTo('wangfang@example.cn');
    expect(welcome).toHaveLength(1);
    expect(smtp.messages).toHaveLength(5);
    const html = bodyOf(welcome[0]!.raw);
    const productLink = /href="https:\/\/crm\.example\.cn(\/api\/public\/t\/[^"]+)"/.exec(html)?.[1];
    const pixel = /src="https:\/\/crm\.example\.cn(\/api\/public\/o\/[^"]+)"/.exec(html)?.[1];
    expect(productLink && pixel, html).toBeTruthy();
    expect(html).not.toContain(PRODUCT_A_URL);

    const opened = await anon('GET', pixel!);
    expect(opened.statusCode).toBe(200);
    expect(opened.headers['content-type']).toBe('image/gif');
    expect((await anon('GET', `${pixel!.slice(0, -3)}AAA`)).statusCode).toBe(404);
    for (let i = 0; i < 2; i++) {
      const click = await anon('GET', productLink!);
      expect(click.statusCode).toBe(302);
      expect(click.headers.location).toBe(PRODUCT_A_URL);
      await fx.app.flows.runtime.runUntilIdle();
    }
    const whitepaper = mailsTo('wangfang@example.cn').filter((m) => subjectOf(m.raw).includes('白皮书'));
    expect(whitepaper).toHaveLength(1);
    const download = /href="https:\/\/crm\.example\.cn(\/api\/public\/t\/[^"]+)"/.exec(
      bodyOf(whitepaper[0]!.raw),
    )?.[1];
    const downloaded = await anon('GET', download!);
    expect(downloaded.headers.location).toBe(WHITEPAPER_A_URL);
    await fx.app.flows.runtime.runUntilIdle();

    const events = await request('rep_gz', 'GET', `${api}/lead/records/${leads.王芳}/events`);
    expect(events.body.items.map((e: { type: string }) => e.type)).toEqual([
      'formSubmitted',
      'emailOpened',
      'linkClicked',
      'linkClicked',
      'linkClicked',
    ]);
    expect(events.body.items.at(-1).data).toMatchObject({
      label: 'whitepaper_download',
      url: WHITEPAPER_A_URL,
    });
    expect(smtp.messages).toHaveLength(6);
  });

  it('scores leads by the model — attributes plus decaying behaviour — with grades, a breakdown, and lists sorted by score', async () => {
    const model = leadScoring().model as ScoringModel;
    const check = async () => {
      const record = await lead(leads.王芳!);
      const events = (await admin('GET', `${api}/lead/records/${leads.王芳}/events`)).body.items;
      const expected = scoreRecord(model, record, events, { now: fx.clock.now(), timeZone: 'Asia/Shanghai' });
      const live = await request('rep_gz', 'GET', `${api}/lead/records/${leads.王芳}/score`);
      expect(live.body).toMatchObject({ total: expected.total, grade: expected.grade });
      expect(Number(record.score)).toBe(expected.total);
      expect(record.grade).toBe(expected.grade);
      return { record, expected };
    };
    const { record, expected } = await check();
    // IT总监 20 + IT 10 + mobile 5 + form 10 + open 3 + three clicks 15 + whitepaper 10 = 73.
    expect(expected.total).toBe(73);
    expect(record.grade).toBe('A');
    expect(record.scoreDetail).toContain('职位：总监 / 总经理 / 负责人 +20');
    expect(record.scoreDetail).toContain('点击邮件链接 ×3 +15');
    const sorted = await admin('GET', `${api}/lead/records?sort=-score&limit=2`);
    expect(sorted.body.items[0].id).toBe(leads.王芳);
    // Behaviour fades: the nightly pass at 03:00 rescored with the events two weeks older.
    await travel(14 * DAY);
    const later = await check();
    expect(later.expected.total).toBeLessThan(73);
    expect(later.expected.total).toBeGreaterThan(35);
  });

  it('reminds the rep and their manager of a lead untouched for 3 days, escalates at 5; a lead followed up in time gets none', async () => {
    // The clock is at day 14 now (the first leads went back to the pool); new leads start the story.
    // They leave their details on the WeChat official account.
    for (const [msgId, nickname, phone, form] of [
      [
        'mp-1',
        '孔明',
        '13900000011',
        { company: '上海华东机械股份有限公司', region: 'east', title: '设备部经理' },
      ],
      [
        'mp-2',
        '周瑜',
        '139 0000 0012',
        { company: '苏州新材料有限公司', industry: 'manufacturing', region: '华东' },
      ],
    ] as const) {
      const res = await capture('wechat_mp', { msgId, user: { nickname, phone }, form });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    await fx.app.flows.runtime.runUntilIdle();
    leads.孔明 = (await leadByName('孔明')).id;
    leads.周瑜 = (await leadByName('周瑜')).id;
    expect(await lead(leads.孔明!)).toMatchObject({ ownerId: users.rep_sh1 });
    expect(await lead(leads.周瑜!)).toMatchObject({ ownerId: users.expert });
    // The expert calls 周瑜 on day 2; nobody calls 孔明.
    await travel(2 * DAY);
    const call = await request('expert', 'POST', `${api}/followUp/records`, {
      summary: '电话沟通需求',
      kind: 'call',
      lead: leads.周瑜,
    });
    expect(call.status, JSON.stringify(call.body)).toBe(201);
    await fx.app.flows.runtime.runUntilIdle();
    expect((await lead(leads.周瑜!)).lastFollowUpAt).toBe(call.body.happenedAt);

    await travel(DAY + 60_000);
    const overdue = '线索 孔明（上海华东机械股份有限公司）3 天未跟进';
    expect(await inbox('rep_sh1')).toContain(overdue);
    expect(await inbox('mgr_sh')).toContain(overdue);
    expect(await inbox('director')).not.toContain(overdue);
    expect((await inbox('expert')).some((t) => t.includes('周瑜') && t.includes('未跟进'))).toBe(false);
    expect((await inbox('mgr_sh')).filter((t) => t === overdue)).toHaveLength(1);

    await travel(2 * DAY);
    const escalated = '【升级】线索 孔明（上海华东机械股份有限公司）5 天未跟进';
    for (const who of ['rep_sh1', 'mgr_sh', 'director']) expect(await inbox(who), who).toContain(escalated);
    expect(await inbox('mgr_gz')).not.toContain(escalated);
  });

  it('recycles leads untouched for 7 days to the pool, where reps claim them within the daily limit', async () => {
    // Day 19 → past 02:00 on day 22: 孔明 (assigned day 14, no follow-up) is recycled; 周瑜 is not.
    await travel(3 * DAY);
    const recycled = await lead(leads.孔明!);
    expect(recycled).toMatchObject({ ownerId: null, status: 'pool' });
    expect(await lead(leads.周瑜!)).toMatchObject({ ownerId: users.expert, status: 'new' });
    const pool = await request('rep_sh1', 'GET', `${api}/lead/pool`);
    expect(pool.status).toBe(200);
    expect(pool.body.items.map((r: { id: string }) => r.id)).toContain(leads.孔明);
    expect(pool.body).toMatchObject({ claimsToday: 0, claimLimitPerDay: 10 });
    const statusLog = await admin('GET', `${api}/lead/field-changes?field=status&record=${leads.孔明}`);
    expect(statusLog.body.items.map((c: { newValue: string }) => c.newValue)).toEqual(['new', 'pool']);

    // The pool is metadata: the sales director's admin lowers the daily limit to 1.
    const draft = clone(salesApp());
    draft.entities.find((e) => e.id === 'lead')!.pool = {
      ...draft.entities.find((e) => e.id === 'lead')!.pool,
      claimLimitPerDay: 1,
    };
    await publish(draft);

    const claimed = await request('rep_sh2', 'POST', `${api}/lead/records/${leads.孔明}/claim`);
    expect(claimed.status, JSON.stringify(claimed.body)).toBe(200);
    expect(claimed.body).toMatchObject({
      claimsToday: 1,
      claimLimitPerDay: 1,
      record: { ownerId: users.rep_sh2, status: 'new' },
    });
    const late = await request('rep_sh1', 'POST', `${api}/lead/records/${leads.孔明}/claim`);
    expect(late.status).toBe(409);
    const others = (await request('rep_sh2', 'GET', `${api}/lead/pool`)).body.items as Array<{ id: string }>;
    expect(others.length).toBeGreaterThan(0);
    const before = (await sql`select count(*)::int as n from dougong.record_history`.execute(fx.database.db))
      .rows;
    const over = await request('rep_sh2', 'POST', `${api}/lead/records/${others[0]!.id}/claim`);
    expect(over.status).toBe(429);
    expect(over.body.error).toMatchObject({ code: 'RATE_LIMITED', claimLimitPerDay: 1 });
    expect((await lead(others[0]!.id)).ownerId).toBeNull();
    expect(
      (await sql`select count(*)::int as n from dougong.record_history`.execute(fx.database.db)).rows,
    ).toEqual(before);
    // The claim restarted the lead's clock and made it the claimant's, with their department.
    expect((await lead(leads.孔明!)).assignedAt).toBe(claimed.body.record.assignedAt);
  });

  it('converts the lead into the existing account (no duplicate customer), a contact and an opportunity, carrying its history', async () => {
    const note = await request('rep_sh2', 'POST', `${api}/followUp/records`, {
      summary: '拜访确认需求',
      kind: 'visit',
      lead: leads.孔明,
    });
    expect(note.status).toBe(201);
    await fx.app.flows.runtime.runUntilIdle();
    const preview = await request(
      'rep_sh2',
      'POST',
      `${api}/lead/records/${leads.孔明}/convert/to_customer`,
      { dryRun: true },
    );
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.targets.account).toMatchObject({ matched: true, created: false });
    const converted = await request(
      'rep_sh2',
      'POST',
      `${api}/lead/records/${leads.孔明}/convert/to_customer`,
      {
        input: { opportunityName: '华东机械 MES 项目', amount: '500000.00' },
      },
    );
    expect(converted.status, JSON.stringify(converted.body)).toBe(200);
    const { account, contact, opportunity } = converted.body.targets;
    expect(account).toMatchObject({ matched: true, created: false });
    expect(contact).toMatchObject({ created: true });
    expect(opportunity).toMatchObject({
      created: true,
      record: { name: '华东机械 MES 项目', stage: 'initial', probability: '10.00' },
    });
    const accounts = await admin('GET', `${api}/account/records`);
    expect(accounts.body.items).toHaveLength(1);
    expect(await lead(leads.孔明!)).toMatchObject({
      status: 'converted',
      convertedAccount: account.id,
      convertedContact: contact.id,
      convertedOpportunity: opportunity.id,
    });
    expect((await admin('GET', `${api}/contact/records/${contact.id}`)).body).toMatchObject({
      account: account.id,
      mobile: '13900000011',
    });
    const history = await admin('GET', `${api}/followUp/records/${note.body.id}`);
    expect(history.body).toMatchObject({
      lead: leads.孔明,
      account: account.id,
      opportunity: opportunity.id,
    });
    const tasks = await admin(
      'GET',
      `${api}/task/records?filter=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'lead' }, leads.孔明] }))}`,
    );
    expect(tasks.body.items.length).toBeGreaterThan(0);
    for (const task of tasks.body.items) expect(task.opportunity).toBe(opportunity.id);
    leads.opportunity = opportunity.id;
  });

  it('moves the opportunity through the stages: blocked entering 方案报价 without the report, lost with a reason', async () => {
    const path = `${api}/opportunity/records/${leads.opportunity}`;
    let current = (await request('rep_sh2', 'GET', path)).body;
    const patch = async (values: Record<string, unknown>) => {
      await travel(60 * 60_000);
      const res = await request('rep_sh2', 'PATCH', path, { version: current.version, ...values });
      if (res.status === 200) current = res.body;
      return res;
    };
    expect((await patch({ stage: 'needs' })).body).toMatchObject({ stage: 'needs', probability: '25.00' });
    const blocked = await patch({ stage: 'proposal' });
    expect(blocked.status).toBe(422);
    expect(blocked.body.error.details).toEqual([
      { path: '/needsReport', message: 'is required to enter “Proposal / quote”' },
    ]);
    expect((await request('rep_sh2', 'GET', path)).body).toMatchObject({
      stage: 'needs',
      version: current.version,
    });

    const upload = await fx.app.inject({
      method: 'POST',
      url: '/api/files',
      headers: {
        ...sessions.rep_sh2!.headers,
        'content-type': 'application/pdf',
        'x-file-name': encodeURIComponent('需求分析报告.pdf'),
      },
      payload: Buffer.from('%PDF-1.4 needs analysis'),
    });
    expect(upload.statusCode, upload.body).toBe(201);
    expect((await patch({ stage: 'proposal', needsReport: [JSON.parse(upload.body)] })).body).toMatchObject({
      stage: 'proposal',
      probability: '50.00',
    });
    expect((await patch({ stage: 'negotiation' })).body).toMatchObject({
      stage: 'negotiation',
      probability: '75.00',
    });
    const noReason = await patch({ stage: 'lost' });
    expect(noReason.status).toBeGreaterThanOrEqual(400);
    expect(noReason.body.error.details).toEqual([expect.objectContaining({ path: '/lossReason' })]);
    expect((await patch({ stage: 'lost', lossReason: '预算冻结，项目延期一年' })).body).toMatchObject({
      stage: 'lost',
      probability: '0.00',
    });

    const log = await request(
      'director',
      'GET',
      `${api}/opportunity/field-changes?field=stage&record=${leads.opportunity}`,
    );
    expect(
      log.body.items.map((c: { oldValue: unknown; newValue: unknown }) => [c.oldValue, c.newValue]),
    ).toEqual([
      [null, 'initial'],
      ['initial', 'needs'],
      ['needs', 'proposal'],
      ['proposal', 'negotiation'],
      ['negotiation', 'lost'],
    ]);
    const times = log.body.items.map((c: { at: string }) => Date.parse(c.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // Analytics read the same log in SQL: time spent per stage.
    const { rows } = await sql<{ stage: string; hours: number }>`select new_value #>> '{}' as stage,
        round(extract(epoch from (lead(at) over (order by id) - at)) / 3600)::int as hours
      from dougong.field_changes where record_id = ${leads.opportunity} and field_id = 'stage' order by id`.execute(
      fx.database.db,
    );
    expect(rows.slice(1, 4).map((r) => [r.stage, Number(r.hours)])).toEqual([
      ['needs', 2],
      ['proposal', 1],
      ['negotiation', 2],
    ]);
  });

  // Skipped until fixed: on a clean machine one of its assertions fails after the flows drain (the import report
  // itself matched in earlier runs); the import is covered by import-batches, import-jobs and export-import.
  it('imports a list of 1,000 leads — 50 bad rows, 30 duplicates — with an exact report, then assigns them by rule', async () => {
    // The marketing assistant imports last week's trade-show list (来源 = 导入).
    const created = await admin('POST', '/api/users', {
      login: 'mkt',
      name: '林市场',
      password: PASSWORD,
      email: 'mkt@example.cn',
    });
    expect(created.status).toBe(201);
    users.mkt = created.body.id;
    expect((await admin('PUT', `/api/users/${users.mkt}/roles/sales`, { roles: ['marketing'] })).status).toBe(
      200,
    );
    await signIn('mkt');

    // Data rows n = 1…1000 (file row n + 1). Every good row has its own company, mobile and person.
    const CITIES = [
      ['北京', 'north'],
      ['天津', 'north'],
      ['沈阳', 'northeast'],
      ['大连', 'northeast'],
      ['青岛', 'east'],
      ['济南', 'east'],
      ['南京', 'east'],
      ['无锡', 'east'],
      ['宁波', 'east'],
      ['合肥', 'east'],
      ['厦门', 'south'],
      ['福州', 'south'],
      ['南宁', 'south'],
      ['武汉', 'central'],
      ['长沙', 'central'],
      ['郑州', 'central'],
      ['成都', 'southwest'],
      ['重庆', 'southwest'],
      ['昆明', 'southwest'],
      ['西安', 'northwest'],
    ] as const;
    const REGION_LABEL: Record<string, string> = { east: '华东', south: '华南', north: '华北' };
    const INDUSTRY = [
      ['manufacturing', '制造业', '制造'],
      ['it', '信息技术', '科技'],
      ['finance', '金融', '金服'],
      ['retail', '零售', '商贸'],
      ['healthcare', '医疗健康', '医疗'],
      ['education', '教育', '教育'],
      ['energy', '能源', '能源'],
      ['logistics', '物流', '物流'],
    ] as const;
    const TITLES = ['采购经理', '信息部总监', '工程师', '总经理', '', '运营主管'];
    const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
    const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬飞燕建';
    type Row = {
      name: string;
      company: string;
      title: string;
      mobile: string;
      email: string;
      source: string;
      industry: string;
      region: string;
    };
    const person = (n: number) => {
      const i = n - 1;
      const [city, region] = CITIES[i % 20]!;
      const [industryId, industryLabel, word] = INDUSTRY[Math.floor(i / 7) % 8]!;
      const brand = '宏瑞恒鼎博远嘉卓盛汇'[Math.floor(i / 20) % 10]! + '达通信泰丰'[Math.floor(i / 200)]!;
      const digits = String(n).padStart(4, '0');
      return {
        row: {
          name: SURNAMES[i % 20]! + GIVEN[Math.floor(i / 20) % GIVEN.length]!,
          company: `${city}${brand}${word}有限公司`,
          title: TITLES[i % TITLES.length]!,
          // Written as people type them: some with the country code and dashes.
          mobile: n % 4 === 1 ? `+86 137-0000-${digits}` : `1370000${digits}`,
          email: n % 20 === 3 || n % 60 === 5 ? `Lead${digits}@Example.com` : '',
          source: n % 5 === 0 ? 'import' : '导入',
          industry: industryLabel,
          region: REGION_LABEL[region] ?? region,
        } satisfies Row,
        mobile: `1370000${digits}`,
        email: n % 20 === 3 || n % 60 === 5 ? `lead${digits}@example.com` : null,
        city,
        region,
        industry: industryId,
      };
    };
    const rows: Row[] = [];
    // Bad rows: n ≡ 7 (mod 20), ten kinds in turn; each reason on its field's path.
    const MOBILE = 'must be a mainland mobile (13800138000), landline (021-12345678) or +<country><number>';
    const EMAIL = 'must be an email address';
    const BAD: Array<[(row: Row) => Row, Array<[string, string]>]> = [
      [(r) => ({ ...r, mobile: '1370000' }), [['/mobile', MOBILE]]],
      [(r) => ({ ...r, email: 'lead#example.com' }), [['/email', EMAIL]]],
      [(r) => ({ ...r, industry: '化工' }), [['/industry', '"化工" is not an option']]],
      [(r) => ({ ...r, region: '海外' }), [['/region', '"海外" is not an option']]],
      [(r) => ({ ...r, name: '' }), [['/name', 'is required']]],
      [(r) => ({ ...r, source: '展会' }), [['/source', '"展会" is not an option']]],
      [(r) => ({ ...r, name: '名'.repeat(51) }), [['/name', 'must be at most 50 characters']]],
      [
        (r) => ({ ...r, mobile: '0000', email: 'no-at-sign' }),
        [
          ['/email', EMAIL],
          ['/mobile', MOBILE],
        ],
      ],
      [
        (r) => ({ ...r, company: `${r.company}${'分'.repeat(200)}` }),
        [['/company', 'must be at most 200 characters']],
      ],
      [(r) => ({ ...r, title: '职'.repeat(101) }), [['/title', 'must be at most 100 characters']]],
    ];
    const expectedRejected: Array<{ row: number; reasons: Array<{ path: string; message: string }> }> = [];
    // Duplicates: n = 30k + 15 (k < 30). Even k: the person of row n − 10 again, the company spelt otherwise
    // (similar company names match through the lead's `by_company` rule). Odd k: a company already in
    // the leads (from the capture above), spelt otherwise.
    const SPELLINGS = [
      (c: string) => c.replace('有限公司', ' 股份有限公司'),
      (c: string) => `${c.slice(0, 2)} ${c.slice(2).replace('有限公司', '')}`,
      (c: string) => c.replace('有限公司', '有限责任公司'),
      (c: string) => c.replace('有限公司', '（有限公司）'),
      (c: string) => c.replace('有限公司', '公司'),
    ];
    const EXISTING = [
      '深圳 云启科技股份有限公司',
      '上海华东机械有限公司',
      '苏州精工制造股份有限公司',
      '杭州官网一号有限公司',
      '苏州 新材料 有限责任公司',
    ];
    const duplicates: number[] = [];
    // Created, but linked for review: a mobile or e-mail seen before, at another company.
    const SUSPECTS: Record<number, (row: Row) => Row> = {
      100: (r) => ({ ...r, mobile: '138-0000-0001' }), // 王芳's mobile
      500: (r) => ({ ...r, email: 'LiQiang@example.cn' }), // 李强's e-mail
      900: (r) => ({ ...r, mobile: '13700000300' }), // the mobile of row 300 of this file
    };
    for (let n = 1; n <= 1000; n++) {
      let row = person(n).row;
      if (n % 20 === 7) {
        const [spoil, reasons] = BAD[((n - 7) / 20) % BAD.length]!;
        row = spoil(row);
        expectedRejected.push({ row: n + 1, reasons: reasons.map(([path, message]) => ({ path, message })) });
      } else if (n % 30 === 15 && n < 900) {
        const k = (n - 15) / 30;
        const earlier = person(n - 10).row;
        row =
          k % 2 === 0
            ? {
                ...earlier,
                company: SPELLINGS[(k / 2) % SPELLINGS.length]!(earlier.company),
                mobile: `+86 ${person(n - 10).mobile}`,
                email: earlier.email.toUpperCase(),
              }
            : { ...row, company: EXISTING[((k - 1) / 2) % EXISTING.length]! };
        duplicates.push(n);
      } else if (SUSPECTS[n]) row = SUSPECTS[n](row);
      rows.push(row);
    }
    expect(expectedRejected).toHaveLength(50);
    expect(duplicates).toHaveLength(30);
    const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const csv = `\uFEFF${[
      '姓名,公司名称,职位,手机,邮箱,来源,行业,大区',
      ...rows.map((r) =>
        [r.name, r.company, r.title, r.mobile, r.email, r.source, r.industry, r.region].map(cell).join(','),
      ),
    ].join('\r\n')}\r\n`;
    const send = async (query: string) => {
      const res = await fx.app.inject({
        method: 'POST',
        url: `${api}/lead/imports?format=csv&matchOn=by_company&${query}`,
        headers: { ...sessions.mkt!.headers, 'content-type': 'text/csv' },
        payload: Buffer.from(csv),
      });
      return { status: res.statusCode, body: JSON.parse(res.body) };
    };
    const createdRows = [...Array(1000).keys()]
      .map((i) => i + 1)
      .filter((n) => n % 20 !== 7 && !duplicates.includes(n));
    type Rejected = { row: number; reasons: Array<{ path: string; message: string }> };
    const byPath = (reasons: Rejected['reasons']) =>
      [...reasons].sort((a, b) => a.path.localeCompare(b.path));

    // The preview reads the labels as the import will and foresees what each shown row becomes.
    const preview = await send('dryRun=true&previewRows=50&checkRows=1000');
    expect(preview.status, JSON.stringify(preview.body).slice(0, 2000)).toBe(200);
    expect(preview.body).toMatchObject({ total: 1000, checked: 1000, valid: 950, mappingFrom: 'suggested' });
    expect(preview.body.mapping).toEqual({
      姓名: 'name',
      公司名称: 'company',
      职位: 'title',
      手机: 'mobile',
      邮箱: 'email',
      来源: 'source',
      行业: 'industry',
      大区: 'region',
    });
    expect(preview.body.rejected.map((r: Rejected) => ({ row: r.row, reasons: byPath(r.reasons) }))).toEqual(
      expectedRejected.map((r) => ({ row: r.row, reasons: byPath(r.reasons) })),
    );

    const count = async (entity: string) =>
      (await admin('GET', `${api}/${entity}/records?limit=1`)).body.total as number;
    const tasksBefore = await count('task');
    const mailsBefore = smtp.messages.length;
    const linksBefore = new Set(
      ((await admin('GET', `${api}/lead/duplicates?limit=200`)).body.items as Array<{ id: string }>).map(
        (l) => l.id,
      ),
    );
    const imported = await send('dedupe=skip');
    expect(imported.status, JSON.stringify(imported.body).slice(0, 2000)).toBe(200);
    const report = imported.body;
    expect({ ...report, rejected: undefined, id: undefined, rejectedFile: undefined }).toEqual({
      total: 1000,
      created: 920,
      updated: 0,
      skipped: 30,
    });
    expect(report.rejected.map((r: Rejected) => ({ row: r.row, reasons: byPath(r.reasons) }))).toEqual(
      expectedRejected.map((r) => ({ row: r.row, reasons: byPath(r.reasons) })),
    );
    const rejectedFile = await fx.app.inject({
      method: 'GET',
      url: report.rejectedFile,
      headers: sessions.mkt!.headers,
    });
    expect(rejectedFile.statusCode).toBe(200);
    const rejectedLines = rejectedFile.body
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .slice(0, -1);
    expect(rejectedLines).toHaveLength(51);

    await fx.app.flows.runtime.runUntilIdle();
    const importedLeads: any[] = [];
    const filter = encodeURIComponent(JSON.stringify({ '==': [{ var: 'source' }, 'import'] }));
    for (let cursor: string | null = ''; cursor !== null; ) {
      const page = await admin(
        'GET',
        `${api}/lead/records?limit=500&filter=${filter}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status).toBe(200);
      importedLeads.push(...page.body.items);
      cursor = page.body.nextCursor ?? null;
    }
    expect(importedLeads.length).toBe(920);
    const byCompany = new Map(importedLeads.map((r) => [r.company as string, r]));
    expect([...byCompany.keys()].sort()).toEqual(createdRows.map((n) => person(n).row.company).sort());

    const NAMES: Record<string, string> = {
      [users.expert!]: '王工',
      [users.rep_sh1!]: '张三',
      [users.rep_sh2!]: '李四',
      [users.rep_gz!]: '郑一',
    };
    const model = leadScoring().model as ScoringModel;
    const owners = new Map<string, number>();
    const wrong: unknown[] = [];
    for (const n of createdRows) {
      const p = person(n);
      const record = byCompany.get(p.row.company);
      if (!record) continue;
      owners.set(record.ownerId, (owners.get(record.ownerId) ?? 0) + 1);
      const why =
        p.industry === 'manufacturing'
          ? [['expert'], '规则 1：行业 = 制造业 → 行业专家组（制造业）']
          : p.region === 'east'
            ? [['rep_sh1', 'rep_sh2'], '规则 3：大区 = 华东 → 上海组']
            : p.region === 'south'
              ? [['rep_gz'], '规则 4：大区 = 华南 → 广州组']
              : [['rep_gz', 'rep_sh1', 'rep_sh2'], '无规则匹配，使用兜底 → 销售代表'];
      const [candidates, rule] = why as [string[], string];
      const score = scoreRecord(model, record, [], { now: fx.clock.now(), timeZone: 'Asia/Shanghai' });
      const expected = {
        status: 'new',
        createdBy: users.mkt,
        industry: p.industry,
        region: p.region,
        mobile: n === 100 ? '13800000001' : n === 900 ? '13700000300' : p.mobile,
        email: n === 500 ? 'liqiang@example.cn' : p.email,
        owner: candidates.map((c) => users[c]).includes(record.ownerId),
        assignmentNote: `${rule}，最少负载 → ${NAMES[record.ownerId]}`,
        score: score.total,
        grade: score.grade,
      };
      const actual = {
        status: record.status,
        createdBy: record.createdBy,
        industry: record.industry,
        region: record.region,
        mobile: record.mobile,
        // Imports keep an address as written; the CSV writes some in capitals.
        email: record.email?.toLowerCase() ?? null,
        owner: true,
        assignmentNote: record.assignmentNote,
        score: Number(record.score),
        grade: record.grade,
      };
      if (JSON.stringify(actual) !== JSON.stringify({ ...expected, owner: true }) || !expected.owner)
        wrong.push({ n, actual, expected });
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect((await count('task')) - tasksBefore).toBe(920);
    const mailed = createdRows.filter((n) => person(n).email !== null);
    expect(smtp.messages.length - mailsBefore).toBe(mailed.length + 1);
    expect(mailed.filter((n) => mailsTo(person(n).email!).length !== 1)).toEqual([]);
    const links = ((await admin('GET', `${api}/lead/duplicates?limit=200`)).body.items as any[]).filter(
      (l) => !linksBefore.has(l.id),
    );
    // Rows 100, 500 and 900 share only a mobile or an e-mail with an earlier lead: created, and linked for review.
    expect(links.map((l) => l.rule?.id).sort()).toEqual(['by_email', 'by_mobile', 'by_mobile']);
    expect(
      links.map((l) => {
        const phone = (v: unknown) =>
          String(v ?? '')
            .replace(/\D/g, '')
            .slice(-11);
        const mail = (v: unknown) => String(v ?? '').toLowerCase();
        return (
          (phone(l.record.mobile) !== '' && phone(l.record.mobile) === phone(l.duplicateOf.mobile)) ||
          (mail(l.record.email) !== '' && mail(l.record.email) === mail(l.duplicateOf.email))
        );
      }),
    ).toEqual([true, true, true]);
  }, 600_000);
});
