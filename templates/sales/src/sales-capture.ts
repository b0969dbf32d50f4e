import type { CaptureHook, CaptureMapping } from '@dougong/schema';

const L = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/** Classification a sender may pass by option id or label (either locale): industry and region. */
const classification = (prefix: string): CaptureMapping[] => [
  { from: `${prefix}/industry`, to: 'industry', transform: 'trim' },
  { from: `${prefix}/region`, to: 'region', transform: 'trim' },
];

/** A contact as flat JSON senders post it: name (required), company, title, mobile and e-mail. */
const contact = (): CaptureMapping[] => [
  { from: '/name', to: 'name', transform: 'trim', required: true },
  { from: '/company', to: 'company', transform: 'trim' },
  { from: '/title', to: 'title', transform: 'trim' },
  { from: '/mobile', to: 'mobile', transform: 'phone' },
  { from: '/email', to: 'email', transform: ['trim', 'lower'] },
];

/**
 * The sales app's lead intake channels (capture hooks): the website's sign-up form, the WeChat
 * official account and third-party lead platforms each post to `/api/public/capture/sales/{id}`
 * with their own secret, payload shape and idempotency key; every delivery becomes a 线索 with its
 * 来源 set, and the new-lead flows (assignment, welcome e-mail, scoring) run as for any lead.
 */
export function salesCaptureHooks(): CaptureHook[] {
  return [
    {
      id: 'website',
      label: L('官网留资', 'Website sign-ups'),
      description: L(
        '官网表单提交（JSON：submissionId、name、company、title、mobile、email、industry、region、page、utm.*），HMAC 签名',
        'Website form submissions (JSON: submissionId, name, company, title, mobile, email, industry, region, page, utm.*), HMAC-signed',
      ),
      entity: 'lead',
      channel: 'website',
      channelLabel: L('官网', 'Website'),
      auth: { scheme: 'hmac-sha256', secret: 'websiteLeadSecret' },
      mapping: [
        ...contact(),
        ...classification(''),
        { from: '/page', to: 'referrer', transform: 'trim' },
        { from: '/utm/source', to: 'utm_source', transform: 'trim' },
        { from: '/utm/medium', to: 'utm_medium', transform: 'trim' },
        { from: '/utm/campaign', to: 'utm_campaign', transform: 'trim' },
        { from: '/utm/term', to: 'utm_term', transform: 'trim' },
        { from: '/utm/content', to: 'utm_content', transform: 'trim' },
      ],
      defaults: { source: 'website' },
      idempotencyKey: { pointer: '/submissionId' },
    },
    {
      id: 'wechat_mp',
      label: L('公众号留资', 'WeChat official account'),
      description: L(
        '公众号表单（JSON：msgId、user.nickname、user.phone、form.company、form.title、form.email、form.industry、form.region），HMAC 签名',
        'WeChat official account forms (JSON: msgId, user.nickname, user.phone, form.company, form.title, form.email, form.industry, form.region), HMAC-signed',
      ),
      entity: 'lead',
      channel: 'wechat',
      channelLabel: L('微信公众号', 'WeChat'),
      auth: { scheme: 'hmac-sha256', secret: 'wechatMpLeadSecret' },
      mapping: [
        { from: '/user/nickname', to: 'name', transform: 'trim', required: true },
        { from: '/user/phone', to: 'mobile', transform: 'phone' },
        { from: '/form/company', to: 'company', transform: 'trim' },
        { from: '/form/title', to: 'title', transform: 'trim' },
        { from: '/form/email', to: 'email', transform: ['trim', 'lower'] },
        ...classification('/form'),
        { to: 'utm_medium', transform: { constant: 'wechat' } },
      ],
      defaults: { source: 'wechat' },
      idempotencyKey: { pointer: '/msgId' },
    },
    {
      id: 'lead_platform',
      label: L('第三方线索平台', 'Third-party lead platform'),
      description: L(
        '第三方平台推送的线索（JSON：name、company、title、mobile、email、industry、region、source），Bearer 密钥，请求头 X-Request-Id 去重',
        'Leads pushed by third-party platforms (JSON: name, company, title, mobile, email, industry, region, source), bearer secret, X-Request-Id header for redeliveries',
      ),
      entity: 'lead',
      channel: 'platform',
      channelLabel: L('第三方平台', 'Third-party platform'),
      auth: { scheme: 'bearer', secret: 'leadPlatformSecret' },
      mapping: [...contact(), ...classification(''), { from: '/source', to: 'source', transform: 'trim' }],
      defaults: { source: 'third_party' },
      idempotencyKey: { header: 'X-Request-Id' },
    },
  ];
}
