import {
  type DemoDataGenerator,
  type DemoDataOptions,
  type DemoRecord,
  hashSeed,
  type SeededRandom,
  seeded,
} from '@dougong/template-kit';
import { groupFor, personName, regionsOf, type SalesGroup, salesOrganisation } from './demo-organisation.js';
import {
  BRAND_FIRST,
  BRAND_SECOND,
  CAMPAIGNS,
  CITIES,
  type City,
  FOLLOW_UPS,
  INDUSTRY_WORDS,
  INVALID_REASONS,
  LOSS_REASONS,
  NEXT_STEPS,
  PRODUCTS,
  STREETS,
  SUFFIXES,
  TASKS,
  TITLES,
  UTM,
  type Word,
} from './demo-vocabulary.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Leads are spread over the two years before `now`, more of them recently. */
const SPAN_DAYS = 730;
const GROWTH = 1.5;
/** Leads per batch (with their accounts, contacts, deals, follow-ups and tasks). */
const BATCH_LEADS = 500;
const BEIJING = 8 * HOUR;

const WORDS: ReadonlyArray<readonly [industry: string, word: Word]> = INDUSTRY_WORDS.flatMap(
  ([industry, words]) => words.map((w) => [industry, w] as const),
);
/** Distinct company names a city can hold per unit of weight, and the whole name space. */
const NAMES_PER_CITY = BRAND_FIRST.length * BRAND_SECOND.length * WORDS.length * SUFFIXES.length;
const PER_WEIGHT = Math.floor(NAMES_PER_CITY / Math.max(...CITIES.map((c) => c.weight)));
const CITY_STARTS = CITIES.reduce<number[]>((starts, _city, i) => {
  starts.push(i === 0 ? 0 : starts[i - 1]! + CITIES[i - 1]!.weight * PER_WEIGHT);
  return starts;
}, []);
const NAME_SPACE = CITY_STARTS[CITIES.length - 1]! + CITIES[CITIES.length - 1]!.weight * PER_WEIGHT;
/** A multiplier coprime with the name space: `i ↦ i·A + b (mod N)` is a bijection, so names never repeat. */
const NAME_STEP = coprimeNear(NAME_SPACE, Math.floor(NAME_SPACE * 0.6180339887));
const MOBILE_SPACE = 100_000_000;
const MOBILE_STEP = coprimeNear(MOBILE_SPACE, 61_803_399);
const MOBILE_PREFIXES = [
  '130',
  '131',
  '132',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '155',
  '156',
  '158',
  '159',
  '166',
  '176',
  '177',
  '180',
  '181',
  '182',
  '183',
  '186',
  '187',
  '188',
  '189',
  '199',
];

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function coprimeNear(n: number, start: number): number {
  let a = start;
  while (gcd(a, n) !== 1) a += 1;
  return a;
}

/** A company of the demo data: unique name for each index below the name space. */
export interface DemoCompany {
  name: string;
  short: string;
  domain: string;
  city: City;
  industry: string;
}

/**
 * The `index`-th company of a seed (region + brand word + industry word + legal form, e.g.
 * 上海锐思科技有限公司). Distinct indexes below {@link NAME_SPACE} always give distinct names; bigger
 * cities hold proportionally more companies.
 */
export function demoCompany(seed: string | number, index: number): DemoCompany {
  const offset = hashSeed(seed, 'company') % NAME_SPACE;
  const u = (index * NAME_STEP + offset) % NAME_SPACE;
  let c = CITIES.length - 1;
  while (CITY_STARTS[c]! > u) c -= 1;
  const city = CITIES[c]!;
  let v = u - CITY_STARTS[c]!;
  const suffix = SUFFIXES[v % SUFFIXES.length]!;
  v = Math.floor(v / SUFFIXES.length);
  const [industry, word] = WORDS[v % WORDS.length]!;
  v = Math.floor(v / WORDS.length);
  const second = BRAND_SECOND[v % BRAND_SECOND.length]!;
  const first = BRAND_FIRST[Math.floor(v / BRAND_SECOND.length)]!;
  const brand = first[0] + second[0];
  return {
    name: `${city.name}${brand}${word[0]}${suffix}`,
    short: `${brand}${word[0]}`,
    domain: `${first[1]}${second[1]}-${word[1]}.com`,
    city,
    industry,
  };
}

/** A unique mainland mobile number for each index below 10⁸ (13x/15x/18x… prefixes, 11 digits). */
export function demoMobile(seed: string | number, index: number, rng: SeededRandom): string {
  const offset = hashSeed(seed, 'mobile') % MOBILE_SPACE;
  const line = (index * MOBILE_STEP + offset) % MOBILE_SPACE;
  return rng.pick(MOBILE_PREFIXES) + String(line).padStart(8, '0');
}

const iso = (ms: number) => new Date(ms).toISOString();
/** The date in Beijing of an instant. */
const beijingDate = (ms: number) => new Date(ms + BEIJING).toISOString().slice(0, 10);
const money = (cents: number) => (cents / 100).toFixed(2);

interface Campaign {
  ref: string;
  start: number;
  end: number;
}

interface Context {
  options: DemoDataOptions;
  now: number;
  firstDay: number;
  groups: SalesGroup[];
  campaigns: Campaign[];
}

/**
 * The sales template's demo data: a sales organisation of regions and groups, campaigns, products,
 * territories, and leads that flow over two years into accounts, contacts and won or lost deals with
 * product lines, follow-ups and tasks. Each lead's story depends only on the seed and its index, so
 * any batch size gives the same data.
 */
export const salesDemoData: DemoDataGenerator = {
  sizeName: 'leads',
  minSize: 100,
  maxSize: 1_000_000,
  organisation: (options) => salesOrganisation(options).org,
  *batches(options) {
    if (options.size > NAME_SPACE) throw new Error(`at most ${NAME_SPACE} leads`);
    const now = options.now.getTime();
    const todayBeijing = Math.floor((now + BEIJING) / DAY) * DAY - BEIJING;
    const ctx: Context = {
      options,
      now,
      firstDay: todayBeijing - SPAN_DAYS * DAY,
      groups: salesOrganisation(options).groups,
      campaigns: [],
    };
    const reference = referenceData(ctx);
    for (let start = 0; start < options.size; start += BATCH_LEADS) {
      const byEntity = new Map<string, DemoRecord[]>(
        ['lead', 'account', 'contact', 'opportunity', 'follow_up', 'task'].map((e) => [e, []]),
      );
      for (let i = start; i < Math.min(options.size, start + BATCH_LEADS); i++) {
        for (const record of leadStory(ctx, i)) byEntity.get(record.entity)!.push(record);
      }
      yield [...(start === 0 ? reference : []), ...[...byEntity.values()].flat()];
    }
  },
};

/** Campaigns (one a month, more for big runs), products and territories. */
function referenceData(ctx: Context): DemoRecord[] {
  const { seed, size } = ctx.options;
  const rng = seeded(hashSeed(seed, 'reference'));
  const out: DemoRecord[] = [];
  const count = 24 + Math.min(24, Math.floor(size / 20_000));
  for (let k = 0; k < count; k++) {
    const [theme, channel] = CAMPAIGNS[k % CAMPAIGNS.length]!;
    const start = ctx.firstDay + Math.floor(((k + rng.next()) * SPAN_DAYS) / count) * DAY;
    const end = start + rng.int(0, 20) * DAY;
    const city = rng.pick(CITIES.filter((c) => c.weight >= 5));
    const ref = `campaign:${k}`;
    ctx.campaigns.push({ ref, start, end });
    const date = beijingDate(start);
    out.push({
      entity: 'campaign',
      ref,
      by: rng.pick(['marketing-lead', 'marketing-1', 'marketing-2']),
      at: iso(Math.max(ctx.firstDay - 30 * DAY, start - rng.int(7, 30) * DAY) + 10 * HOUR),
      values: {
        name: `${date.slice(0, 4)}年${Number(date.slice(5, 7))}月 ${channel === 'trade_show' ? city.name : ''}${theme}`,
        channel,
        startDate: date,
        endDate: beijingDate(end),
        budget: money(rng.int(20, 300) * 100_000),
      },
    });
  }
  for (const [k, [code, name, price]] of PRODUCTS.entries()) {
    out.push({
      entity: 'product',
      ref: `product:${k}`,
      by: 'director',
      at: iso(ctx.firstDay - 60 * DAY + k * MINUTE),
      values: { name, code, price: money(price * 100), active: code !== 'DG-STORAGE' },
    });
  }
  for (const group of ctx.groups) {
    const { region, name } = regionsOf(group.ref);
    out.push({
      entity: 'territory',
      by: 'director',
      at: iso(ctx.firstDay - 59 * DAY),
      values: { name, region, team: { $department: group.ref } },
    });
  }
  return out;
}

/** When the `i`-th lead comes in: growing volume, Beijing office hours, in index order. */
function leadTime(ctx: Context, i: number, rng: SeededRandom): number {
  const u = (i + rng.next()) / ctx.options.size;
  // Inverse of the CDF of density ∝ 1 + GROWTH·x on [0, 1].
  const x = (-1 + Math.sqrt(1 + 2 * GROWTH * u * (1 + GROWTH / 2))) / GROWTH;
  const days = x * SPAN_DAYS;
  const day = Math.min(SPAN_DAYS - 1, Math.floor(days));
  return ctx.firstDay + day * DAY + 9 * HOUR + Math.floor((days - day) * 10 * HOUR);
}

function campaignAt(ctx: Context, at: number): Campaign | undefined {
  let found: Campaign | undefined;
  for (const c of ctx.campaigns) {
    if (c.start > at) break;
    if (at <= c.end + 45 * DAY) found = c;
  }
  return found;
}

const SOURCES: ReadonlyArray<readonly [string, number]> = [
  ['website', 25],
  ['wechat', 15],
  ['event', 15],
  ['third_party', 10],
  ['referral', 10],
  ['import', 10],
  ['manual', 15],
];
const grade = (score: number) => (score >= 80 ? 'A' : score >= 60 ? 'B' : score >= 40 ? 'C' : 'D');

/** Everything that happens to the `i`-th lead: the lead, and for some an account, contact, deal, follow-ups, tasks. */
function leadStory(ctx: Context, i: number): DemoRecord[] {
  const { seed } = ctx.options;
  // Who the lead is does not depend on the run's size; when things happen does.
  const who = seeded(hashSeed(seed, 'lead-identity', i));
  const rng = seeded(hashSeed(seed, 'lead', i));
  const company = demoCompany(seed, i);
  const person = personName(who);
  const group = groupFor(ctx.groups, company.city.name);
  const rep = who.pick(group.reps);
  const source = who.weighted(SOURCES);
  const mobile = demoMobile(seed, i, who);
  const title = who.weighted(TITLES);
  const district =
    company.city.districts.length > 0 && who.chance(0.8) ? who.pick(company.city.districts) : undefined;
  const size = who.weighted([
    ['s', 35],
    ['m', 40],
    ['l', 18],
    ['xl', 7],
  ] as const);
  const created = leadTime(ctx, i, rng);
  const byMarketing = ['website', 'wechat', 'event', 'third_party', 'import'].includes(source);
  const creator = byMarketing ? rng.pick(['marketing-1', 'marketing-2']) : rep;
  const assigned = byMarketing ? created + rng.int(5, 240) * MINUTE : created;
  const age = (ctx.now - created) / DAY;
  const last = ctx.now - HOUR;

  let status: string;
  if (age < 7) status = rng.chance(0.6) ? 'new' : 'contacted';
  else
    status = rng.weighted([
      ['invalid', 12],
      ['converted', age >= 14 ? 22 : 0],
      ['qualified', 13],
      ['contacted', 33],
      ['new', 20],
    ]);
  // Old leads nobody worked on go back to the pool (公海), unowned.
  if (status === 'new' && age > 30 && rng.chance(0.4)) status = 'pool';
  const conversion =
    status === 'converted'
      ? Math.min(last - DAY, created + rng.int(3, 30) * DAY + rng.int(0, 480) * MINUTE)
      : 0;
  const scoreRange = {
    converted: [70, 100],
    qualified: [60, 90],
    contacted: [30, 75],
    new: [10, 60],
    pool: [10, 50],
    invalid: [0, 30],
  }[status] as [number, number];
  const score = rng.int(...scoreRange);
  const email = `${person.pinyin}@${company.domain}`;
  const campaign = source === 'event' || source === 'wechat' ? campaignAt(ctx, created) : undefined;
  const utm = source === 'website' || source === 'wechat' ? rng.pick(UTM) : undefined;

  // Follow-ups: how many by status, spread between creation and conversion (or now).
  const followCount = {
    new: 0,
    pool: 0,
    contacted: rng.int(1, 2),
    qualified: rng.int(2, 3),
    converted: rng.int(2, 4),
    invalid: rng.int(0, 1),
  }[status]!;
  const until = conversion || Math.min(last, created + 60 * DAY);
  const times = Array.from(
    { length: followCount },
    () => created + HOUR + Math.floor(rng.next() * Math.max(HOUR, until - created - HOUR)),
  ).sort((a, b) => a - b);

  const leadRef = `lead:${i}`;
  const pooled = status === 'pool';
  const out: DemoRecord[] = [
    {
      entity: 'lead',
      ref: leadRef,
      by: creator,
      owner: pooled ? null : rep,
      at: iso(created),
      values: {
        name: person.name,
        company: company.name,
        title,
        mobile,
        email,
        source,
        ...(campaign ? { campaign: { $record: campaign.ref } } : {}),
        industry: company.industry,
        region: company.city.region,
        area: district ? district[1] : company.city.code,
        companySize: size,
        status,
        score: String(score),
        grade: grade(score),
        ...(pooled ? {} : { assignedAt: iso(assigned) }),
        ...(times.length > 0 ? { lastFollowUpAt: iso(times[times.length - 1]!) } : {}),
        ...(utm
          ? {
              utmSource: utm[0],
              utmMedium: utm[1],
              utmCampaign: campaign ? campaign.ref.replace(':', '-') : `brand-${company.industry}`,
              referrer: utm[0] === 'baidu' ? 'https://www.baidu.com/' : `https://www.${utm[0]}.com/`,
            }
          : {}),
        ...(status === 'invalid' ? { notes: rng.pick(INVALID_REASONS) } : {}),
        ...(status === 'converted'
          ? {
              convertedAccount: { $record: `account:${i}` },
              convertedContact: { $record: `contact:${i}` },
              convertedOpportunity: { $record: `opportunity:${i}` },
              convertedAt: iso(conversion),
            }
          : {}),
      },
    },
  ];
  for (const at of times) {
    const kind = rng.weighted([
      ['call', 40],
      ['wechat', 25],
      ['visit', 15],
      ['meeting', 12],
      ['email', 8],
    ] as const);
    out.push({
      entity: 'follow_up',
      by: rep,
      at: iso(at),
      values: {
        summary: rng.pick(FOLLOW_UPS[kind]!),
        kind,
        lead: { $record: leadRef },
        happenedAt: iso(at),
        notes: `${person.name}（${title}）：${rng.pick(['关注实施周期', '关注价格', '需要与现有ERP集成', '希望先试用', '决策人下月出差回来'])}`,
        nextStep: rng.pick(NEXT_STEPS),
      },
    });
  }
  if (status === 'qualified' && rng.chance(0.5))
    out.push(task(rng, rep, created + rng.int(1, 10) * DAY, last, { lead: { $record: leadRef } }));
  if (status === 'converted')
    out.push(
      ...conversionStory(ctx, rng, i, {
        company,
        person,
        title,
        mobile,
        email,
        rep,
        conversion,
        last,
        district,
        size,
      }),
    );
  return out;
}

function task(
  rng: SeededRandom,
  rep: string,
  at: number,
  last: number,
  links: Record<string, unknown>,
): DemoRecord {
  const createdAt = Math.min(at, last);
  const due = createdAt + rng.int(1, 14) * DAY;
  return {
    entity: 'task',
    by: rep,
    at: iso(createdAt),
    values: {
      subject: rng.pick(TASKS),
      assignee: { $user: rep },
      dueAt: iso(due),
      done: due < last && rng.chance(0.85),
      ...links,
    },
  };
}

/** A converted lead: account, contact, a deal (open, won or lost) with product lines, follow-ups, a task. */
function conversionStory(
  ctx: Context,
  rng: SeededRandom,
  i: number,
  lead: {
    company: DemoCompany;
    person: { name: string; pinyin: string; given: string };
    title: string;
    mobile: string;
    email: string;
    rep: string;
    conversion: number;
    last: number;
    district: readonly [string, string] | undefined;
    size: 's' | 'm' | 'l' | 'xl';
  },
): DemoRecord[] {
  const { company, rep, conversion, last, size } = lead;
  const at = iso(conversion);
  const accountRef = `account:${i}`;
  const contactRef = `contact:${i}`;
  const dealRef = `opportunity:${i}`;
  const city = company.city;
  const revenue = { s: [5, 50], m: [50, 500], l: [500, 5000], xl: [5000, 50000] }[size] as [number, number];
  const out: DemoRecord[] = [
    {
      entity: 'account',
      ref: accountRef,
      by: rep,
      at,
      values: {
        name: company.name,
        industry: company.industry,
        region: city.region,
        area: lead.district ? lead.district[1] : city.code,
        size,
        phone: `${city.areaCode}-${rng.int(city.areaCode.length === 3 ? 2000_0000 : 200_0000, city.areaCode.length === 3 ? 8999_9999 : 899_9999)}`,
        website: `https://www.${company.domain}`,
        address: `${city.province === `${city.name}市` ? '' : city.province}${city.name}市${lead.district?.[0] ?? ''}${rng.pick(STREETS)}${rng.int(1, 999)}号`,
        annualRevenue: money(rng.int(...revenue) * 1_000_000_00),
      },
    },
    {
      entity: 'contact',
      ref: contactRef,
      by: rep,
      at,
      values: {
        name: lead.person.name,
        account: { $record: accountRef },
        title: lead.title,
        mobile: lead.mobile,
        email: lead.email,
        wechat: `wx_${lead.person.given}${String(i % 10_000).padStart(4, '0')}`,
      },
    },
  ];
  // The deal: closed (won or lost) once its close date has passed, else in an open stage by progress.
  const close = conversion + rng.int(14, 120) * DAY;
  const lines = Array.from({ length: rng.int(1, 3) }, () => rng.int(0, PRODUCTS.length - 1)).filter(
    (p, k, all) => all.indexOf(p) === k,
  );
  let amount = 0;
  const rows = lines.map((p) => {
    const [, , price, daily] = PRODUCTS[p]!;
    const quantity = daily ? rng.int(5, 60) : rng.int(1, 20);
    const unitCents = Math.round(price * 100 * (1 - rng.int(0, 20) / 100));
    amount += quantity * unitCents;
    return { product: { $record: `product:${p}` }, quantity, unitPrice: money(unitCents) };
  });
  let stage: string;
  if (close < last - DAY) stage = rng.chance(0.42) ? 'won' : 'lost';
  else {
    const progress = (ctx.now - conversion) / (close - conversion);
    stage =
      progress < 0.25 ? 'initial' : progress < 0.5 ? 'needs' : progress < 0.75 ? 'proposal' : 'negotiation';
  }
  // From the proposal on, a deal needs its needs-analysis report (the stage gate); the win probability
  // comes from the stage's default.
  const report = ['proposal', 'negotiation', 'won'].includes(stage)
    ? [
        {
          $file: {
            name: `需求分析报告-${company.short}.md`,
            mimeType: 'text/markdown',
            text: `# ${company.name} 需求分析报告\n\n- 联系人：${lead.person.name}（${lead.title}）\n- 规模：${size}\n- 关注点：销售过程管理、线索分配、报表分析\n`,
          },
        },
      ]
    : undefined;
  out.push({
    entity: 'opportunity',
    ref: dealRef,
    by: rep,
    at,
    values: {
      name: `${company.short}${rng.pick(['CRM项目', '销售管理升级', '客户中台建设', '营销自动化项目', '数字化销售平台'])}`,
      account: { $record: accountRef },
      contact: { $record: contactRef },
      stage,
      amount: money(amount),
      expectedCloseDate: beijingDate(close),
      ...(stage === 'lost' ? { lossReason: rng.pick(LOSS_REASONS) } : {}),
      sourceLead: { $record: `lead:${i}` },
      products: rows,
      ...(report ? { needsReport: report } : {}),
    },
  });
  // Work on the deal after conversion.
  const end = Math.min(last, close);
  const visits = rng.int(1, 3);
  for (let k = 0; k < visits; k++) {
    const when =
      conversion + HOUR + Math.floor(((k + rng.next()) / visits) * Math.max(HOUR, end - conversion - HOUR));
    const kind = rng.pick(['visit', 'meeting', 'call'] as const);
    out.push({
      entity: 'follow_up',
      by: rep,
      at: iso(when),
      values: {
        summary: rng.pick(FOLLOW_UPS[kind]!),
        kind,
        account: { $record: accountRef },
        opportunity: { $record: dealRef },
        happenedAt: iso(when),
        nextStep: rng.pick(NEXT_STEPS),
      },
    });
  }
  if (stage !== 'won' && stage !== 'lost')
    out.push(
      task(rng, rep, Math.max(conversion + HOUR, last - rng.int(0, 5) * DAY), last, {
        opportunity: { $record: dealRef },
      }),
    );
  return out;
}
