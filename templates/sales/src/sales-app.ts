import type { AppDocument, Field, SelectOption } from '@dougong/schema';
import { salesCaptureHooks } from './sales-capture.js';
import { salesFlows } from './sales-flows.js';
import { salesForms } from './sales-forms.js';
import { leadScoring, OPEN_LEAD_STATUSES } from './sales-rules.js';

const L = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const opt = (id: string, zh: string, en: string, color?: string): SelectOption => ({
  id,
  label: L(zh, en),
  ...(color ? { color } : {}),
});

const REGIONS: SelectOption[] = [
  opt('east', '华东', 'East China', '#1677ff'),
  opt('south', '华南', 'South China', '#13c2c2'),
  opt('north', '华北', 'North China', '#722ed1'),
  opt('southwest', '西南', 'Southwest', '#fa8c16'),
  opt('central', '华中', 'Central China', '#52c41a'),
  opt('northwest', '西北', 'Northwest', '#eb2f96'),
  opt('northeast', '东北', 'Northeast', '#2f54eb'),
];

const INDUSTRIES: SelectOption[] = [
  opt('manufacturing', '制造业', 'Manufacturing'),
  opt('it', '信息技术', 'IT'),
  opt('finance', '金融', 'Finance'),
  opt('retail', '零售', 'Retail'),
  opt('healthcare', '医疗健康', 'Healthcare'),
  opt('education', '教育', 'Education'),
  opt('energy', '能源', 'Energy'),
  opt('logistics', '物流', 'Logistics'),
];

const SOURCES: SelectOption[] = [
  opt('website', '官网', 'Website'),
  opt('wechat', '微信公众号', 'WeChat official account'),
  opt('event', '市场活动', 'Campaign / event'),
  opt('third_party', '第三方平台', 'Third-party platform'),
  opt('referral', '客户推荐', 'Referral'),
  opt('import', '导入', 'Import'),
  opt('manual', '手工录入', 'Manual entry'),
];

const COMPANY_SIZES: SelectOption[] = [
  opt('s', '50人以下', '< 50'),
  opt('m', '50-500人', '50–500'),
  opt('l', '500-5000人', '500–5,000'),
  opt('xl', '5000人以上', '> 5,000'),
];

const text = (id: string, zh: string, en: string, extra: Partial<Field> = {}): Field =>
  ({ id, key: toKey(id), type: 'text', label: L(zh, en), ...extra }) as Field;

/**
 * The pipeline: each stage's goal, default win probability (set when a deal enters the stage unless
 * the same edit sets one) and what must be on the deal before it may enter (stage gates).
 */
const stage = (
  id: string,
  zh: string,
  en: string,
  color: string,
  goal: ReturnType<typeof L>,
  probability: string,
  requires?: string[],
): SelectOption => ({
  ...opt(id, zh, en, color),
  description: goal,
  defaults: { probability },
  ...(requires ? { requires } : {}),
});

const STAGES: SelectOption[] = [
  stage(
    'initial',
    '初步接洽',
    'Initial contact',
    '#1677ff',
    L('确认意向与关键联系人', 'Confirm interest and the key contact'),
    '10',
  ),
  stage(
    'needs',
    '需求分析',
    'Needs analysis',
    '#13c2c2',
    L('梳理需求、预算、决策链与时间表', 'Map needs, budget, decision chain and timeline'),
    '25',
  ),
  stage(
    'proposal',
    '方案报价',
    'Proposal / quote',
    '#faad14',
    L('提交解决方案与报价', 'Present the solution and the quote'),
    '50',
    ['needsReport'],
  ),
  stage(
    'negotiation',
    '商务谈判',
    'Negotiation',
    '#fa8c16',
    L('就价格与合同条款达成一致', 'Agree on price and contract terms'),
    '75',
    ['needsReport', 'amount'],
  ),
  stage('won', '赢单', 'Won', '#52c41a', L('签约', 'Contract signed'), '100', ['needsReport', 'amount']),
  stage('lost', '输单', 'Lost', '#bfbfbf', L('记录输单原因', 'Record why the deal was lost'), '0', [
    'lossReason',
  ]),
];

/**
 * 线索转化: a qualified lead becomes an account (an existing one when the normalised company name
 * matches), a contact (an existing one with the same mobile) and an opportunity; its follow-ups and
 * tasks move to the new records, and the lead is marked converted with links to them.
 */
function leadConversion() {
  const v = (path: string) => ({ var: path });
  return {
    id: 'to_customer',
    label: L('转化为客户与商机', 'Convert to account and opportunity'),
    when: {
      and: [
        { in_list: [v('source.status'), [...OPEN_LEAD_STATUSES]] },
        { is_not_empty: [v('source.company')] },
      ],
    },
    targets: [
      {
        id: 'account',
        entity: 'account',
        label: L('客户', 'Account'),
        match: { field: 'name', value: v('source.company'), normalize: 'companyName' as const },
        values: {
          name: v('source.company'),
          industry: v('source.industry'),
          region: v('source.region'),
          area: v('source.area'),
          size: v('source.companySize'),
        },
      },
      {
        id: 'contact',
        entity: 'contact',
        label: L('联系人', 'Contact'),
        match: { field: 'mobile', value: v('source.mobile'), normalize: 'phone' as const },
        values: {
          name: v('source.name'),
          account: v('targets.account.id'),
          title: v('source.title'),
          mobile: v('source.mobile'),
          email: v('source.email'),
        },
      },
      {
        id: 'opportunity',
        entity: 'opportunity',
        label: L('商机', 'Opportunity'),
        values: {
          name: {
            if: [
              v('input.opportunityName'),
              v('input.opportunityName'),
              { cat: [v('source.company'), ' · 新商机'] },
            ],
          },
          account: v('targets.account.id'),
          contact: v('targets.contact.id'),
          sourceLead: v('source.id'),
          amount: v('input.amount'),
          expectedCloseDate: v('input.expectedCloseDate'),
        },
      },
    ],
    relink: [
      {
        entity: 'follow_up',
        field: 'lead',
        values: { account: v('targets.account.id'), opportunity: v('targets.opportunity.id') },
      },
      { entity: 'task', field: 'lead', values: { opportunity: v('targets.opportunity.id') } },
    ],
    update: {
      status: 'converted',
      convertedAccount: v('targets.account.id'),
      convertedContact: v('targets.contact.id'),
      convertedOpportunity: v('targets.opportunity.id'),
      convertedAt: { now: [] },
    },
  };
}

const SALES_ENTITIES = ['lead', 'account', 'contact', 'opportunity', 'follow_up', 'task'] as const;
const REFERENCE_ENTITIES = ['campaign', 'product', 'territory'] as const;
type Action = 'create' | 'read' | 'update' | 'delete' | 'export' | 'print' | 'assign' | 'claim';
const grant = (
  entity: string,
  actions: Action[],
  scope: 'own' | 'department' | 'departmentTree' | 'all',
  fields?: Record<string, 'hidden' | 'readOnly' | 'editable'>,
) => ({
  entity,
  actions,
  scope,
  ...(fields ? { fields } : {}),
});

/**
 * The sales organisation's roles: reps work their own records, team managers their team's (department
 * and below), the sales director everything, marketing the leads and campaigns.
 */
function salesRoles() {
  const read: Action[] = ['read'];
  // Reps work their own records and claim leads from the pool (公海).
  const repGrants = [
    ...SALES_ENTITIES.map((e) =>
      grant(
        e,
        e === 'lead' ? ['create', 'read', 'update', 'print', 'claim'] : ['create', 'read', 'update', 'print'],
        'own',
        e === 'lead'
          ? {
              score: 'readOnly',
              grade: 'readOnly',
              score_detail: 'readOnly',
              assignment_note: 'readOnly',
            }
          : undefined,
      ),
    ),
    ...REFERENCE_ENTITIES.map((e) => grant(e, read, 'all')),
  ];
  return [
    { key: 'rep', label: L('销售代表', 'Sales rep'), grants: repGrants },
    {
      key: 'insideSales',
      label: L('内部销售（官网线索）', 'Inside sales (website leads)'),
      description: L('官网线索轮流分配给此角色的成员', 'Website leads go round-robin to this role’s members'),
      grants: repGrants,
    },
    {
      key: 'industryExpert',
      label: L('行业专家组（制造业）', 'Industry experts (manufacturing)'),
      description: L(
        '制造业线索分配给此角色中负载最少的成员',
        'Manufacturing leads go to the least-loaded member',
      ),
      grants: repGrants,
    },
    {
      key: 'manager',
      label: L('销售经理', 'Sales manager'),
      grants: [
        ...SALES_ENTITIES.map((e) =>
          grant(
            e,
            ['create', 'read', 'update', 'delete', 'export', 'print', 'assign', ...claim(e)],
            'departmentTree',
          ),
        ),
        ...REFERENCE_ENTITIES.map((e) => grant(e, read, 'all')),
      ],
    },
    {
      key: 'director',
      label: L('销售总监', 'Sales director'),
      grants: [...SALES_ENTITIES, ...REFERENCE_ENTITIES].map((e) =>
        grant(e, ['create', 'read', 'update', 'delete', 'export', 'print', 'assign', ...claim(e)], 'all'),
      ),
    },
    {
      key: 'marketing',
      label: L('市场', 'Marketing'),
      grants: [
        grant('lead', ['create', 'read', 'update', 'export'], 'all'),
        grant('campaign', ['create', 'read', 'update', 'delete', 'export'], 'all'),
        grant('account', read, 'all', { annual_revenue: 'hidden' }),
        grant('product', read, 'all'),
      ],
    },
  ];
}

const claim = (entity: string): Action[] => (entity === 'lead' ? ['claim'] : []);

function toKey(id: string): string {
  return id.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Stable id and version of the bundled sales template. */
export const SALES_TEMPLATE = { id: 'dougong.sales', version: '0.3.0' } as const;

/**
 * The sales-management app (销售管理), built from metadata alone: leads, accounts, contacts,
 * opportunities with the five-stage pipeline, follow-ups, tasks, campaigns, products and territories.
 */
export function salesApp(): AppDocument {
  return {
    schemaVersion: 1,
    key: 'sales',
    label: L('销售管理', 'Sales'),
    description: L(
      '从线索获取到商机管道的销售管理应用',
      'Sales management from lead capture to a managed pipeline',
    ),
    timeZone: 'Asia/Shanghai',
    defaultCurrency: 'CNY',
    template: { ...SALES_TEMPLATE },
    roles: salesRoles(),
    forms: salesForms(),
    flows: salesFlows(REGIONS.map((r) => r.id)),
    captureHooks: salesCaptureHooks(),
    entities: [
      {
        id: 'account',
        key: 'account',
        label: L('客户', 'Account'),
        icon: 'building',
        titleField: 'name',
        searchFields: ['name', 'phone'],
        fields: [
          text('name', '客户名称', 'Name', {
            required: true,
            maxLength: 200,
            unique: true,
          } as Partial<Field>),
          {
            id: 'industry',
            key: 'industry',
            type: 'singleSelect',
            label: L('行业', 'Industry'),
            options: INDUSTRIES,
            index: true,
          },
          {
            id: 'region',
            key: 'region',
            type: 'singleSelect',
            label: L('大区', 'Region'),
            options: REGIONS,
            index: true,
          },
          { id: 'area', key: 'area', type: 'region', label: L('省市区', 'Province / city / district') },
          {
            id: 'size',
            key: 'size',
            type: 'singleSelect',
            label: L('规模', 'Company size'),
            options: COMPANY_SIZES,
          },
          { id: 'phone', key: 'phone', type: 'phone', label: L('电话', 'Phone') },
          { id: 'website', key: 'website', type: 'url', label: L('网址', 'Website') },
          { id: 'address', key: 'address', type: 'longText', label: L('地址', 'Address'), maxLength: 500 },
          {
            id: 'annual_revenue',
            key: 'annualRevenue',
            type: 'money',
            label: L('年营业额', 'Annual revenue'),
          },
        ],
        duplicateRules: [
          { id: 'by_name', label: L('客户名称相似', 'Similar name'), fields: ['name'], match: 'companyName' },
        ],
        related: [
          {
            id: 'opportunity_follow_ups',
            label: L('商机跟进', 'Opportunity follow-ups'),
            entity: 'follow_up',
            field: 'opportunity',
            through: { entity: 'opportunity', field: 'account' },
          },
          {
            id: 'opportunity_tasks',
            label: L('商机任务', 'Opportunity tasks'),
            entity: 'task',
            field: 'opportunity',
            through: { entity: 'opportunity', field: 'account' },
          },
        ],
      },
      {
        id: 'contact',
        key: 'contact',
        label: L('联系人', 'Contact'),
        titleField: 'name',
        searchFields: ['name', 'mobile', 'email'],
        fields: [
          text('name', '姓名', 'Name', { required: true, maxLength: 50 } as Partial<Field>),
          {
            id: 'account',
            key: 'account',
            type: 'reference',
            target: 'account',
            label: L('客户', 'Account'),
          },
          text('title', '职位', 'Job title', { maxLength: 100 } as Partial<Field>),
          { id: 'mobile', key: 'mobile', type: 'phone', label: L('手机', 'Mobile'), unique: true },
          { id: 'email', key: 'email', type: 'email', label: L('邮箱', 'Email') },
          text('wechat', '微信号', 'WeChat ID', { maxLength: 50 } as Partial<Field>),
        ],
        duplicateRules: [
          { id: 'by_mobile', label: L('手机相同', 'Same mobile'), fields: ['mobile'], match: 'phone' },
          { id: 'by_email', label: L('邮箱相同', 'Same e-mail'), fields: ['email'], match: 'email' },
        ],
      },
      {
        id: 'campaign',
        key: 'campaign',
        label: L('市场活动', 'Campaign'),
        titleField: 'name',
        searchFields: ['name'],
        fields: [
          text('name', '活动名称', 'Name', { required: true, maxLength: 200 } as Partial<Field>),
          {
            id: 'channel',
            key: 'channel',
            type: 'singleSelect',
            label: L('渠道', 'Channel'),
            options: [
              opt('webinar', '线上研讨会', 'Webinar'),
              opt('trade_show', '线下展会', 'Trade show'),
              opt('ads', '广告投放', 'Ads'),
              opt('content', '内容营销', 'Content'),
              opt('email', '邮件营销', 'Email'),
            ],
          },
          { id: 'start_date', key: 'startDate', type: 'date', label: L('开始日期', 'Start date') },
          { id: 'end_date', key: 'endDate', type: 'date', label: L('结束日期', 'End date') },
          { id: 'budget', key: 'budget', type: 'money', label: L('预算', 'Budget') },
        ],
      },
      {
        id: 'lead',
        key: 'lead',
        label: L('线索', 'Lead'),
        icon: 'user-plus',
        titleField: 'name',
        searchFields: ['name', 'company', 'mobile'],
        defaultSort: [{ field: 'createdAt', desc: true }],
        fields: [
          {
            id: 'lead_no',
            key: 'leadNo',
            type: 'autoNumber',
            pattern: 'XS-{YYYY}{MM}-{00000}',
            label: L('线索编号', 'Lead no.'),
          },
          text('name', '姓名', 'Name', { required: true, maxLength: 50 } as Partial<Field>),
          text('company', '公司名称', 'Company', { maxLength: 200, index: true } as Partial<Field>),
          text('title', '职位', 'Job title', { maxLength: 100 } as Partial<Field>),
          { id: 'mobile', key: 'mobile', type: 'phone', label: L('手机', 'Mobile'), index: true },
          { id: 'email', key: 'email', type: 'email', label: L('邮箱', 'Email') },
          {
            id: 'source',
            key: 'source',
            type: 'singleSelect',
            label: L('来源', 'Source'),
            options: SOURCES,
            index: true,
          },
          {
            id: 'campaign',
            key: 'campaign',
            type: 'reference',
            target: 'campaign',
            label: L('市场活动', 'Campaign'),
          },
          {
            id: 'industry',
            key: 'industry',
            type: 'singleSelect',
            label: L('行业', 'Industry'),
            options: INDUSTRIES,
          },
          {
            id: 'region',
            key: 'region',
            type: 'singleSelect',
            label: L('大区', 'Region'),
            options: REGIONS,
            index: true,
          },
          { id: 'area', key: 'area', type: 'region', label: L('省市区', 'Province / city / district') },
          {
            id: 'status',
            key: 'status',
            type: 'singleSelect',
            label: L('状态', 'Status'),
            default: 'new',
            index: true,
            trackChanges: true,
            options: [
              opt('new', '新线索', 'New', '#1677ff'),
              opt('contacted', '已联系', 'Contacted', '#13c2c2'),
              opt('qualified', '已确认', 'Qualified', '#52c41a'),
              opt('converted', '已转化', 'Converted', '#722ed1'),
              opt('invalid', '无效', 'Invalid', '#bfbfbf'),
              opt('pool', '公海', 'In the pool', '#faad14'),
            ],
          },
          {
            id: 'company_size',
            key: 'companySize',
            type: 'singleSelect',
            label: L('公司规模', 'Company size'),
            options: COMPANY_SIZES,
          },
          {
            id: 'score',
            key: 'score',
            type: 'number',
            precision: 8,
            scale: 2,
            label: L('评分', 'Score'),
            index: true,
          },
          {
            id: 'score_detail',
            key: 'scoreDetail',
            type: 'longText',
            label: L('评分明细', 'Score breakdown'),
            maxLength: 2000,
          },
          {
            id: 'grade',
            key: 'grade',
            type: 'singleSelect',
            label: L('等级', 'Grade'),
            options: [
              opt('A', 'A', 'A', '#f5222d'),
              opt('B', 'B', 'B', '#fa8c16'),
              opt('C', 'C', 'C', '#fadb14'),
              opt('D', 'D', 'D', '#bfbfbf'),
            ],
          },
          { id: 'assigned_at', key: 'assignedAt', type: 'datetime', label: L('分配时间', 'Assigned at') },
          {
            id: 'assignment_note',
            key: 'assignmentNote',
            type: 'longText',
            label: L('分配说明', 'Why this owner'),
            maxLength: 1000,
          },
          {
            id: 'last_follow_up_at',
            key: 'lastFollowUpAt',
            type: 'datetime',
            label: L('最近跟进', 'Last follow-up'),
            index: true,
          },
          text('utm_source', 'UTM 来源', 'UTM source', { maxLength: 200 } as Partial<Field>),
          text('utm_campaign', 'UTM 活动', 'UTM campaign', { maxLength: 200 } as Partial<Field>),
          text('utm_medium', 'UTM 媒介', 'UTM medium', { maxLength: 200 } as Partial<Field>),
          text('utm_term', 'UTM 关键词', 'UTM term', { maxLength: 200 } as Partial<Field>),
          text('utm_content', 'UTM 内容', 'UTM content', { maxLength: 200 } as Partial<Field>),
          { id: 'referrer', key: 'referrer', type: 'url', label: L('来源页面', 'Referrer') },
          { id: 'notes', key: 'notes', type: 'longText', label: L('备注', 'Notes') },
          {
            id: 'converted_account',
            key: 'convertedAccount',
            type: 'reference',
            target: 'account',
            label: L('转化客户', 'Converted account'),
          },
          {
            id: 'converted_contact',
            key: 'convertedContact',
            type: 'reference',
            target: 'contact',
            label: L('转化联系人', 'Converted contact'),
          },
          {
            id: 'converted_opportunity',
            key: 'convertedOpportunity',
            type: 'reference',
            target: 'opportunity',
            label: L('转化商机', 'Converted opportunity'),
          },
          { id: 'converted_at', key: 'convertedAt', type: 'datetime', label: L('转化时间', 'Converted at') },
        ],
        pool: { claimLimitPerDay: 10, onClaim: { status: 'new', assignedAt: { now: [] } } },
        scoring: leadScoring(),
        conversions: [leadConversion()],
        duplicateRules: [
          { id: 'by_mobile', label: L('手机相同', 'Same mobile'), fields: ['mobile'], match: 'phone' },
          { id: 'by_email', label: L('邮箱相同', 'Same e-mail'), fields: ['email'], match: 'email' },
          {
            id: 'by_company',
            label: L('公司名称相似', 'Similar company'),
            fields: ['company'],
            match: 'companyName',
          },
        ],
      },
      {
        id: 'opportunity',
        key: 'opportunity',
        label: L('商机', 'Opportunity'),
        icon: 'target',
        titleField: 'name',
        searchFields: ['name'],
        fields: [
          text('name', '商机名称', 'Name', { required: true, maxLength: 200 } as Partial<Field>),
          {
            id: 'account',
            key: 'account',
            type: 'reference',
            target: 'account',
            label: L('客户', 'Account'),
            required: true,
          },
          {
            id: 'contact',
            key: 'contact',
            type: 'reference',
            target: 'contact',
            label: L('联系人', 'Contact'),
          },
          {
            id: 'stage',
            key: 'stage',
            type: 'singleSelect',
            label: L('销售阶段', 'Stage'),
            required: true,
            default: 'initial',
            index: true,
            trackChanges: true,
            options: STAGES,
          },
          { id: 'amount', key: 'amount', type: 'money', label: L('预计金额', 'Amount'), index: true },
          {
            id: 'probability',
            key: 'probability',
            type: 'percent',
            label: L('赢率', 'Win probability'),
            min: '0',
            max: '100',
          },
          {
            id: 'expected_close',
            key: 'expectedCloseDate',
            type: 'date',
            label: L('预计成交日期', 'Expected close date'),
            index: true,
          },
          {
            id: 'loss_reason',
            key: 'lossReason',
            type: 'longText',
            label: L('输单原因', 'Loss reason'),
            maxLength: 2000,
          },
          {
            id: 'source_lead',
            key: 'sourceLead',
            type: 'reference',
            target: 'lead',
            label: L('来源线索', 'Source lead'),
          },
          {
            id: 'products',
            key: 'products',
            type: 'subTable',
            childEntity: 'opportunity_line',
            label: L('产品明细', 'Products'),
          },
          {
            id: 'needs_report',
            key: 'needsReport',
            type: 'attachment',
            label: L('需求分析报告', 'Needs-analysis report'),
            maxFiles: 5,
          },
          { id: 'documents', key: 'documents', type: 'attachment', label: L('文档', 'Documents') },
        ],
      },
      {
        id: 'opportunity_line',
        key: 'opportunityLine',
        kind: 'child',
        label: L('商机产品', 'Opportunity line'),
        fields: [
          {
            id: 'product',
            key: 'product',
            type: 'reference',
            target: 'product',
            label: L('产品', 'Product'),
            required: true,
          },
          {
            id: 'quantity',
            key: 'quantity',
            type: 'number',
            integer: true,
            min: 1,
            label: L('数量', 'Quantity'),
            required: true,
          },
          {
            id: 'unit_price',
            key: 'unitPrice',
            type: 'money',
            label: L('单价', 'Unit price'),
            required: true,
          },
          {
            id: 'line_amount',
            key: 'lineAmount',
            type: 'formula',
            resultType: 'decimal',
            expression: { dec_mul: [{ var: 'quantity' }, { var: 'unitPrice' }] },
            label: L('小计', 'Line amount'),
          },
        ],
      },
      {
        id: 'product',
        key: 'product',
        label: L('产品', 'Product'),
        titleField: 'name',
        searchFields: ['name', 'code'],
        fields: [
          text('name', '产品名称', 'Name', { required: true, maxLength: 200 } as Partial<Field>),
          text('code', '产品编码', 'Code', { maxLength: 50, unique: true } as Partial<Field>),
          { id: 'price', key: 'price', type: 'money', label: L('标准价', 'List price') },
          { id: 'active', key: 'active', type: 'boolean', label: L('在售', 'Active'), default: true },
        ],
      },
      {
        id: 'follow_up',
        key: 'followUp',
        label: L('跟进记录', 'Follow-up'),
        titleField: 'summary',
        fields: [
          text('summary', '摘要', 'Summary', { required: true, maxLength: 200 } as Partial<Field>),
          {
            id: 'kind',
            key: 'kind',
            type: 'singleSelect',
            label: L('方式', 'Kind'),
            required: true,
            options: [
              opt('call', '电话', 'Call'),
              opt('visit', '拜访', 'Visit'),
              opt('meeting', '会议', 'Meeting'),
              opt('wechat', '微信', 'WeChat'),
              opt('email', '邮件', 'Email'),
            ],
          },
          { id: 'lead', key: 'lead', type: 'reference', target: 'lead', label: L('线索', 'Lead') },
          {
            id: 'account',
            key: 'account',
            type: 'reference',
            target: 'account',
            label: L('客户', 'Account'),
          },
          {
            id: 'opportunity',
            key: 'opportunity',
            type: 'reference',
            target: 'opportunity',
            label: L('商机', 'Opportunity'),
          },
          {
            id: 'happened_at',
            key: 'happenedAt',
            type: 'datetime',
            label: L('跟进时间', 'When'),
            default: 'now',
          },
          { id: 'notes', key: 'notes', type: 'longText', label: L('内容', 'Notes') },
          text('next_step', '下一步', 'Next step', { maxLength: 500 } as Partial<Field>),
        ],
      },
      {
        id: 'task',
        key: 'task',
        label: L('任务', 'Task'),
        titleField: 'subject',
        fields: [
          text('subject', '主题', 'Subject', { required: true, maxLength: 200 } as Partial<Field>),
          { id: 'assignee', key: 'assignee', type: 'user', label: L('负责人', 'Assignee') },
          { id: 'due_at', key: 'dueAt', type: 'datetime', label: L('截止时间', 'Due'), index: true },
          { id: 'done', key: 'done', type: 'boolean', label: L('已完成', 'Done'), default: false },
          { id: 'lead', key: 'lead', type: 'reference', target: 'lead', label: L('线索', 'Lead') },
          {
            id: 'opportunity',
            key: 'opportunity',
            type: 'reference',
            target: 'opportunity',
            label: L('商机', 'Opportunity'),
          },
        ],
      },
      {
        id: 'territory',
        key: 'territory',
        label: L('销售区域', 'Territory'),
        titleField: 'name',
        fields: [
          text('name', '名称', 'Name', { required: true, maxLength: 100 } as Partial<Field>),
          {
            id: 'region',
            key: 'region',
            type: 'singleSelect',
            label: L('大区', 'Region'),
            options: REGIONS,
            required: true,
          },
          { id: 'team', key: 'team', type: 'department', label: L('负责团队', 'Team') },
        ],
      },
    ],
  };
}
