import type { Form, FormNode } from '@dougong/schema';

const L = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const f = (fieldId: string, extra: Partial<Extract<FormNode, { kind: 'field' }>> = {}): FormNode => ({
  id: `f-${fieldId.replace(/_/g, '-')}`,
  kind: 'field',
  fieldId,
  ...extra,
});
const section = (id: string, label: ReturnType<typeof L>, children: FormNode[], columns = 2): FormNode => ({
  id,
  kind: 'section',
  label,
  columns,
  children,
});

/** The lead's full form: contact, classification, then tabs for scoring, source tracking and notes. */
const leadFull: Form = {
  id: 'lead_full',
  entity: 'lead',
  label: L('线索', 'Lead'),
  kind: 'full',
  layout: [
    section('contact', L('联系信息', 'Contact'), [
      f('lead_no', { readOnly: true }),
      f('name'),
      f('company'),
      f('title'),
      f('mobile'),
      f('email'),
    ]),
    section('classification', L('分类', 'Classification'), [
      f('source'),
      f('campaign'),
      f('industry'),
      f('company_size'),
      f('region', { widget: 'select' }),
      f('area'),
      f('status', { widget: 'segmented', span: 2 }),
    ]),
    {
      id: 'more',
      kind: 'tabs',
      tabs: [
        {
          id: 'tab-score',
          label: L('评分', 'Scoring'),
          children: [
            f('score', { readOnly: true }),
            f('grade', { readOnly: true }),
            f('score_detail', { readOnly: true, span: 2 }),
            f('assigned_at', { readOnly: true }),
            f('last_follow_up_at', { readOnly: true }),
            f('assignment_note', { readOnly: true, span: 2 }),
          ],
        },
        {
          id: 'tab-conversion',
          label: L('转化', 'Conversion'),
          children: [
            f('converted_account', { readOnly: true }),
            f('converted_contact', { readOnly: true }),
            f('converted_opportunity', { readOnly: true }),
            f('converted_at', { readOnly: true }),
          ],
        },
        {
          id: 'tab-tracking',
          label: L('来源追踪', 'Source tracking'),
          children: [
            f('utm_source'),
            f('utm_medium'),
            f('utm_campaign'),
            f('utm_term'),
            f('utm_content'),
            f('referrer'),
          ],
        },
        { id: 'tab-notes', label: L('备注', 'Notes'), children: [f('notes', { span: 2 })] },
      ],
    },
  ],
  linkage: [
    {
      // Marking a lead invalid needs a word on why.
      id: 'invalid-needs-notes',
      when: { '==': [{ var: 'status' }, 'invalid'] },
      action: 'require',
      fields: ['notes'],
    },
    {
      id: 'campaign-for-events',
      when: { in_list: [{ var: 'source' }, ['event', 'wechat']] },
      action: 'show',
      fields: ['campaign'],
    },
  ],
};

/** The opportunity's full form: the loss reason only for lost deals, product lines totalling the amount. */
const opportunityFull: Form = {
  id: 'opportunity_full',
  entity: 'opportunity',
  label: L('商机', 'Opportunity'),
  kind: 'full',
  layout: [
    section('deal', L('商机信息', 'Deal'), [
      f('name', { span: 2 }),
      f('account'),
      f('contact'),
      f('stage'),
      f('probability'),
      f('amount'),
      f('expected_close'),
      f('loss_reason', { span: 2 }),
    ]),
    {
      id: 'details',
      kind: 'tabs',
      tabs: [
        { id: 'tab-products', label: L('产品明细', 'Products'), children: [f('products', { span: 2 })] },
        {
          id: 'tab-source',
          label: L('来源与文档', 'Source and documents'),
          children: [f('source_lead'), f('needs_report', { span: 2 }), f('documents', { span: 2 })],
        },
      ],
    },
  ],
  linkage: [
    { id: 'loss-shown', when: { '==': [{ var: 'stage' }, 'lost'] }, action: 'show', fields: ['lossReason'] },
    {
      id: 'loss-required',
      when: { '==': [{ var: 'stage' }, 'lost'] },
      action: 'require',
      fields: ['lossReason'],
    },
    {
      id: 'won-certain',
      when: { '==': [{ var: 'stage' }, 'won'] },
      action: 'setValue',
      fields: ['probability'],
      value: '100.00',
    },
    {
      id: 'won-locked',
      when: { '==': [{ var: 'stage' }, 'won'] },
      action: 'readOnly',
      fields: ['probability'],
    },
    {
      // With product lines the amount is their exact total (Σ quantity × unit price).
      id: 'amount-from-lines',
      when: { is_not_empty: [{ var: 'products' }] },
      action: 'setValue',
      fields: ['amount'],
      value: {
        dec_round: [
          {
            reduce: [
              { var: 'products' },
              {
                dec_add: [
                  { var: 'accumulator' },
                  { dec_mul: [{ var: 'current.quantity' }, { var: 'current.unitPrice' }] },
                ],
              },
              '0',
            ],
          },
          2,
        ],
      },
    },
    {
      id: 'amount-locked',
      when: { is_not_empty: [{ var: 'products' }] },
      action: 'readOnly',
      fields: ['amount'],
    },
  ],
  dataLinkage: [
    {
      id: 'line-price',
      subTable: 'products',
      field: 'product',
      copy: [{ from: 'price', to: 'unit_price' }],
      overwrite: false,
    },
  ],
};

/** A public webinar / trade-show sign-up that creates leads attributed to their campaign and channel. */
const leadSignUp: Form = {
  id: 'lead_signup',
  entity: 'lead',
  label: L('活动报名', 'Event sign-up'),
  kind: 'public',
  layout: [
    {
      id: 'intro',
      kind: 'text',
      text: L(
        '留下联系方式，我们会发送参会信息。',
        'Leave your details and we will send you the joining information.',
      ),
    },
    section('you', L('您的信息', 'About you'), [
      f('name'),
      f('company'),
      f('title'),
      f('mobile'),
      f('email'),
      f('industry'),
    ]),
  ],
  validation: [
    {
      id: 'reachable',
      condition: { or: [{ is_not_empty: [{ var: 'mobile' }] }, { is_not_empty: [{ var: 'email' }] }] },
      message: L('请至少填写手机或邮箱', 'Give a mobile number or an email address'),
      path: 'mobile',
    },
  ],
  public: {
    title: L('线上研讨会 / 展会报名', 'Webinar and trade-show sign-up'),
    description: L(
      '报名参加我们的线上研讨会或展会。',
      'Sign up for our webinar or visit us at the trade show.',
    ),
    thankYou: L('感谢报名！我们会尽快与您联系。', 'Thank you for signing up! We will be in touch shortly.'),
    prefill: ['name', 'company', 'email', 'mobile'],
    attribution: {
      campaignField: 'campaign',
      channelField: 'source',
      channel: 'event',
      utmFields: {
        source: 'utm_source',
        medium: 'utm_medium',
        campaign: 'utm_campaign',
        term: 'utm_term',
        content: 'utm_content',
      },
      referrerField: 'referrer',
    },
  },
};

/** The forms of the sales app. */
export function salesForms(): Form[] {
  return [leadFull, opportunityFull, leadSignUp];
}
