import type { Flow } from '@dougong/schema';
import { leadAssignmentRules, OPEN_LEAD_STATUSES, RECYCLE_AFTER_DAYS } from './sales-rules.js';

const L = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const v = (path: string) => ({ var: path });
const now = { now: [] };
const DAY = 24 * 60;

/** The product page the welcome e-mail links to; a click on it sends the whitepaper once. */
export const PRODUCT_A_URL = 'https://www.example.cn/products/a';
/** The whitepaper the follow-up e-mail links to (its clicks count as downloads in scoring). */
export const WHITEPAPER_A_URL = 'https://www.example.cn/whitepapers/product-a.pdf';

// A lead someone still has to work: owned, not converted, invalid or in the pool.
const worked = (owner = 'ownerId', status = 'status', followUp = 'lastFollowUpAt') => ({
  and: [
    { is_not_empty: [v(owner)] },
    { in_list: [v(status), [...OPEN_LEAD_STATUSES]] },
    { is_empty: [v(followUp)] },
  ],
});

const reminder = (id: string, days: number, levels: number, title: ReturnType<typeof L>): Flow => ({
  id,
  key: id.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
  label: title,
  description: L(
    `分配后 ${days} 天仍无跟进记录：提醒负责人${levels > 1 ? '，并升级到其上级与上上级' : '及其上级'}`,
    `No follow-up ${days} days after assignment: remind the owner and ${levels > 1 ? 'escalate two levels up' : 'their manager'}`,
  ),
  trigger: {
    kind: 'dateRelative',
    entity: 'lead',
    field: 'assignedAt',
    offsetMinutes: days * DAY,
    condition: worked(),
  },
  start: 'remind',
  nodes: [
    {
      id: 'remind',
      kind: 'notify',
      channel: 'inbox',
      to: v('record.ownerId'),
      toManagerOf: v('record.ownerId'),
      managerLevels: levels,
      title: `${levels > 1 ? '【升级】' : ''}线索 {{record.name}}（{{record.company}}）${days} 天未跟进`,
      text: '线索 {{record.leadNo}} 分配于 {{record.assignedAt}}，至今没有跟进记录，请尽快联系。',
    },
  ],
});

const rescore = (
  id: string,
  label: ReturnType<typeof L>,
  trigger: Flow['trigger'],
  inline = false,
): Flow => ({
  id,
  key: id.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
  label,
  trigger,
  start: 'score',
  nodes: [{ id: 'score', kind: 'recomputeScore', ...(inline ? { inline: true } : {}) }],
});

/**
 * The sales app's automation, all as editable metadata (leads come in through the capture hooks, the
 * public form and imports): assignment of new and imported leads with a follow-up task and
 * reminders, nurturing e-mails with tracked links and opens, the product-A whitepaper sent once,
 * reminders and escalation for leads nobody followed up, scoring on every change and event plus a
 * nightly decay pass, and the nightly recycling of neglected leads to the pool.
 */
export function salesFlows(regions: readonly string[]): Flow[] {
  return [
    {
      id: 'lead_assign',
      key: 'leadAssign',
      label: L('线索自动分配', 'Lead assignment'),
      description: L(
        '新线索（无负责人，或来源为导入）按行业、来源、大区与负载分配，说明写入线索；给负责人建跟进任务（次日到期）并通知',
        'New leads (unowned, or imported) are assigned by industry, source, region and workload, with the reason on the lead; the owner gets a follow-up task due next day and a notice',
      ),
      // Unowned leads (forms, capture hooks, flows) and imported lists (来源 = 导入, owned by the importer).
      trigger: {
        kind: 'recordCreated',
        entity: 'lead',
        condition: { or: [{ is_empty: [v('ownerId')] }, { '==': [v('source'), 'import'] }] },
      },
      start: 'assign',
      nodes: [
        {
          id: 'assign',
          kind: 'assignOwner',
          // Assigned as the lead is written (an import assigns each batch at once); task and notice follow.
          inline: true,
          rules: leadAssignmentRules(regions),
          openFilter: { in_list: [v('status'), [...OPEN_LEAD_STATUSES]] },
          explanationField: 'assignmentNote',
          values: { assignedAt: now },
          next: 'assigned',
        },
        {
          id: 'assigned',
          kind: 'condition',
          branches: [{ condition: { is_not_empty: [v('nodes.assign.owner')] }, next: 'task' }],
        },
        {
          id: 'task',
          kind: 'createRecord',
          entity: 'task',
          values: {
            subject: { cat: ['跟进新线索：', v('record.name'), '（', v('record.company'), '）'] },
            assignee: v('nodes.assign.owner'),
            dueAt: { date_add: [now, 1, 'day'] },
            lead: v('record.id'),
            ownerId: v('nodes.assign.owner'),
          },
          next: 'notice',
        },
        {
          id: 'notice',
          kind: 'notify',
          channel: 'inbox',
          to: v('nodes.assign.owner'),
          title: '新线索：{{record.name}}（{{record.company}}）',
          text: '{{nodes.assign.explanation.[zh-CN]}}。请在 24 小时内跟进。',
        },
      ],
    },
    {
      id: 'task_due_reminder',
      key: 'taskDueReminder',
      label: L('任务到期提醒', 'Task due reminder'),
      trigger: {
        kind: 'dateRelative',
        entity: 'task',
        field: 'dueAt',
        offsetMinutes: -120,
        condition: { and: [{ '!': [v('done')] }, { is_not_empty: [v('assignee')] }] },
      },
      start: 'remind',
      nodes: [
        {
          id: 'remind',
          kind: 'notify',
          channel: 'inbox',
          to: v('record.assignee'),
          title: '任务即将到期：{{record.subject}}',
          text: '截止时间 {{record.dueAt}}。',
        },
      ],
    },
    {
      id: 'lead_welcome',
      key: 'leadWelcome',
      label: L('欢迎邮件', 'Welcome e-mail'),
      description: L(
        '有邮箱的新线索收到欢迎邮件（链接与打开均被追踪）',
        'New leads with an e-mail address get a welcome e-mail (links and opens tracked)',
      ),
      trigger: {
        kind: 'recordCreated',
        entity: 'lead',
        condition: { and: [{ is_not_empty: [v('email')] }, { '!=': [v('source'), 'manual'] }] },
      },
      start: 'mail',
      nodes: [
        {
          id: 'mail',
          kind: 'sendEmail',
          to: v('record.email'),
          subject: '{{record.name}}，欢迎了解我们的产品',
          body:
            '<p>{{record.name}}，您好：</p><p>感谢您关注我们。推荐您先了解' +
            `<a href="${PRODUCT_A_URL}" data-track="product_a">产品 A</a>，` +
            '它正帮助许多{{record.company}}这样的企业提升销售效率。</p><p>销售团队</p>',
          trackLinks: true,
          trackOpens: true,
        },
      ],
    },
    {
      id: 'product_a_whitepaper',
      key: 'productAWhitepaper',
      label: L('产品 A 白皮书', 'Product A whitepaper'),
      description: L(
        '点击欢迎邮件中的产品 A 链接后，发送一次产品 A 白皮书',
        'A click on the product A link sends the product A whitepaper, once per lead',
      ),
      trigger: { kind: 'linkClicked', label: 'product_a' },
      oncePerRecord: true,
      start: 'mail',
      nodes: [
        {
          id: 'mail',
          kind: 'sendEmail',
          to: v('record.email'),
          subject: '产品 A 白皮书',
          body:
            '<p>{{record.name}}，您好：</p><p>这是您关注的' +
            `<a href="${WHITEPAPER_A_URL}" data-track="whitepaper_download">产品 A 白皮书</a>。</p>`,
          trackLinks: true,
          trackOpens: true,
        },
      ],
    },
    reminder('lead_no_follow_up_3d', 3, 1, L('线索 3 天未跟进提醒', 'Lead not followed up in 3 days')),
    reminder(
      'lead_no_follow_up_5d',
      5,
      2,
      L('线索 5 天未跟进升级', 'Lead not followed up in 5 days: escalation'),
    ),
    {
      id: 'follow_up_touch',
      key: 'followUpTouch',
      label: L('记录最近跟进', 'Record the last follow-up'),
      trigger: { kind: 'recordCreated', entity: 'follow_up', condition: { is_not_empty: [v('lead')] } },
      start: 'touch',
      nodes: [
        {
          id: 'touch',
          kind: 'updateRecord',
          entity: 'lead',
          record: v('record.lead'),
          values: { lastFollowUpAt: { if: [v('record.happenedAt'), v('record.happenedAt'), now] } },
        },
      ],
    },
    // Scored as the lead is written (a new lead has no behaviour yet).
    rescore(
      'lead_score_new',
      L('新线索评分', 'Score new leads'),
      { kind: 'recordCreated', entity: 'lead' },
      true,
    ),
    rescore('lead_score_change', L('线索资料变化重新评分', 'Rescore on profile changes'), {
      kind: 'recordUpdated',
      entity: 'lead',
      changed: [{ field: 'title' }, { field: 'companySize' }, { field: 'industry' }, { field: 'mobile' }],
    }),
    rescore('lead_score_event', L('线索行为重新评分', 'Rescore on behaviour'), {
      kind: 'recordEvent',
      entity: 'lead',
    }),
    {
      id: 'lead_score_daily',
      key: 'leadScoreDaily',
      label: L('每日评分衰减', 'Nightly score decay'),
      description: L(
        '行为得分随时间衰减：每晚重算未转化线索',
        'Behaviour points fade: rescore open leads nightly',
      ),
      trigger: { kind: 'scheduled', cron: '0 3 * * *' },
      start: 'score',
      nodes: [
        {
          id: 'score',
          kind: 'recomputeScore',
          entity: 'lead',
          filter: { in_list: [v('status'), [...OPEN_LEAD_STATUSES, 'pool']] },
          limit: 5000,
        },
      ],
    },
    {
      id: 'lead_recycle',
      key: 'leadRecycle',
      label: L('线索回收公海', 'Recycle neglected leads'),
      description: L(
        `分配 ${RECYCLE_AFTER_DAYS} 天无跟进、或最近跟进早于 ${RECYCLE_AFTER_DAYS} 天的线索，每晚回收到公海`,
        `Leads without a follow-up ${RECYCLE_AFTER_DAYS} days after assignment, or none for ${RECYCLE_AFTER_DAYS} days, return to the pool nightly`,
      ),
      trigger: { kind: 'scheduled', cron: '0 2 * * *' },
      start: 'recycle',
      nodes: [
        {
          id: 'recycle',
          kind: 'updateRecords',
          entity: 'lead',
          filter: {
            and: [
              { is_not_empty: [v('ownerId')] },
              { in_list: [v('status'), ['new', 'contacted']] },
              {
                or: [
                  {
                    and: [
                      { is_empty: [v('lastFollowUpAt')] },
                      { datetime_lt: [v('assignedAt'), { date_add: [now, -RECYCLE_AFTER_DAYS, 'day'] }] },
                    ],
                  },
                  { datetime_lt: [v('lastFollowUpAt'), { date_add: [now, -RECYCLE_AFTER_DAYS, 'day'] }] },
                ],
              },
            ],
          },
          values: { ownerId: null, status: 'pool' },
          limit: 1000,
        },
      ],
    },
  ];
}
