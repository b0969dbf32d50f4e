import type { EntityScoring } from '@dougong/schema';

const L = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/** Lead statuses that still need work (what counts as an open lead for workload). */
export const OPEN_LEAD_STATUSES = ['new', 'contacted', 'qualified'] as const;

/** Days a lead may go without a follow-up before it returns to the pool. */
export const RECYCLE_AFTER_DAYS = 7;

/**
 * The lead assignment rules, first match wins:
 * 1. 制造业 → the industry experts (role `industryExpert`), least open leads;
 * 2. 官网 → inside sales (role `insideSales`), round-robin;
 * 3. per region (华东, 华南 …) → the territory's team (a `territory` record of that region names its
 *    department), least open leads;
 * fallback → every sales rep (role `rep`), least open leads.
 * The explanation ("规则 3：大区 = 华东 → 上海组，最少负载 → 张伟") is stored on the lead.
 */
export function leadAssignmentRules(regions: readonly string[]) {
  return {
    rules: [
      {
        id: 'industry_manufacturing',
        condition: { '==': [{ var: 'industry' }, 'manufacturing'] },
        target: { role: 'industryExpert' },
        strategy: 'least-loaded',
      },
      {
        id: 'source_website',
        condition: { '==': [{ var: 'source' }, 'website'] },
        target: { role: 'insideSales' },
        strategy: 'round-robin',
      },
      ...regions.map((region) => ({
        id: `region_${region}`,
        condition: { '==': [{ var: 'region' }, region] },
        target: { lookup: { entity: 'territory', match: { region: 'region' }, field: 'team' } },
        strategy: 'least-loaded',
      })),
    ],
    fallback: { target: { role: 'rep' }, strategy: 'least-loaded' },
  };
}

const halfLife = (days: number) => ({ kind: 'exponential' as const, halfLifeDays: days });

/**
 * Lead scoring: attributes (job title, company size, industry, reachability) and behaviour (e-mail
 * opens, link clicks, whitepaper downloads, form submissions) whose points halve every 14 or 30 days;
 * grades A ≥ 60, B ≥ 40, C ≥ 20, else D. The breakdown is written to `scoreDetail`.
 */
export function leadScoring(): EntityScoring {
  return {
    scoreField: 'score',
    gradeField: 'grade',
    breakdownField: 'scoreDetail',
    model: {
      attributes: [
        {
          id: 'title_senior',
          label: L('职位：总监 / 总经理 / 负责人', 'Title: director or head'),
          condition: {
            or: [
              { contains: [{ var: 'title' }, '总监'] },
              { contains: [{ var: 'title' }, '总经理'] },
              { contains: [{ var: 'title' }, '负责人'] },
              { contains_ci: [{ var: 'title' }, 'director'] },
              { contains_ci: [{ var: 'title' }, 'head'] },
            ],
          },
          points: 20,
        },
        {
          id: 'title_manager',
          label: L('职位：经理 / 主管', 'Title: manager'),
          condition: {
            and: [
              { or: [{ contains: [{ var: 'title' }, '经理'] }, { contains: [{ var: 'title' }, '主管'] }] },
              { '!': [{ contains: [{ var: 'title' }, '总经理'] }] },
            ],
          },
          points: 10,
        },
        {
          id: 'size_large',
          label: L('公司规模 500 人以上', 'Company over 500 staff'),
          condition: { in: [{ var: 'companySize' }, ['l', 'xl']] },
          points: 15,
        },
        {
          id: 'size_mid',
          label: L('公司规模 50-500 人', 'Company of 50–500 staff'),
          condition: { '==': [{ var: 'companySize' }, 'm'] },
          points: 8,
        },
        {
          id: 'industry_focus',
          label: L('重点行业（制造业、信息技术）', 'Focus industry (manufacturing, IT)'),
          condition: { in: [{ var: 'industry' }, ['manufacturing', 'it']] },
          points: 10,
        },
        {
          id: 'reachable',
          label: L('留有手机', 'Mobile given'),
          condition: { is_not_empty: [{ var: 'mobile' }] },
          points: 5,
        },
      ],
      behaviours: [
        {
          id: 'email_open',
          label: L('打开邮件', 'E-mail opened'),
          eventType: 'emailOpened',
          points: 3,
          decay: halfLife(14),
          maxPoints: 15,
        },
        {
          id: 'link_click',
          label: L('点击邮件链接', 'Link clicked'),
          eventType: 'linkClicked',
          points: 5,
          decay: halfLife(14),
          maxPoints: 20,
        },
        {
          id: 'whitepaper_download',
          label: L('下载白皮书', 'Whitepaper downloaded'),
          eventType: 'linkClicked',
          condition: { '==': [{ var: 'label' }, 'whitepaper_download'] },
          points: 10,
          decay: halfLife(30),
          maxPoints: 20,
        },
        {
          id: 'download',
          label: L('下载资料', 'Download'),
          eventType: 'download',
          points: 10,
          decay: halfLife(30),
          maxPoints: 20,
        },
        {
          id: 'form_submit',
          label: L('提交表单', 'Form submitted'),
          eventType: 'formSubmitted',
          points: 10,
          decay: halfLife(30),
          maxPoints: 20,
        },
      ],
      grades: [
        { grade: 'A', min: 60 },
        { grade: 'B', min: 40 },
        { grade: 'C', min: 20 },
      ],
      lowestGrade: 'D',
    },
  };
}
