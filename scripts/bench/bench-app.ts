import type { AppDocument } from '@dougong/schema';

/** The benchmark's app: one entity with 15 fields of common types. */
export function benchApp(): AppDocument {
  const L = (zh: string, en: string) => ({ 'zh-CN': zh, en });
  const options = (ids: string[]) => ids.map((id) => ({ id, label: L(id, id) }));
  return {
    schemaVersion: 1,
    key: 'bench',
    label: L('基准', 'Bench'),
    entities: [
      {
        id: 'deal',
        key: 'deal',
        label: L('交易', 'Deal'),
        titleField: 'name',
        searchFields: ['name', 'company'],
        fields: [
          { id: 'name', key: 'name', type: 'text', label: L('名称', 'Name'), required: true },
          { id: 'company', key: 'company', type: 'text', label: L('公司', 'Company') },
          {
            id: 'city',
            key: 'city',
            type: 'singleSelect',
            label: L('城市', 'City'),
            options: options(['sh', 'bj', 'gz', 'sz', 'cd', 'hz', 'wh', 'xa']),
          },
          {
            id: 'stage',
            key: 'stage',
            type: 'singleSelect',
            label: L('阶段', 'Stage'),
            index: true,
            options: options(['initial', 'needs', 'proposal', 'negotiation', 'won', 'lost']),
          },
          { id: 'amount', key: 'amount', type: 'money', label: L('金额', 'Amount'), index: true },
          { id: 'quantity', key: 'quantity', type: 'number', integer: true, label: L('数量', 'Quantity') },
          { id: 'probability', key: 'probability', type: 'percent', label: L('赢率', 'Probability') },
          {
            id: 'close_date',
            key: 'closeDate',
            type: 'date',
            label: L('成交日期', 'Close date'),
            index: true,
          },
          { id: 'email', key: 'email', type: 'email', label: L('邮箱', 'Email') },
          { id: 'mobile', key: 'mobile', type: 'phone', label: L('手机', 'Mobile') },
          { id: 'active', key: 'active', type: 'boolean', label: L('有效', 'Active') },
          { id: 'score', key: 'score', type: 'number', integer: true, label: L('评分', 'Score') },
          { id: 'notes', key: 'notes', type: 'longText', label: L('备注', 'Notes') },
          { id: 'region', key: 'region', type: 'text', label: L('区域', 'Region') },
          { id: 'signed_at', key: 'signedAt', type: 'datetime', label: L('签约时间', 'Signed at') },
        ],
      },
    ],
  };
}

/** Bulk-loads rows into the bench table in SQL (deterministic values from the row number). */
export function loadSql(from: number, to: number): string {
  return `insert into app_bench.t_deal (id, created_at, updated_at, f_name, f_company, f_city, f_stage, f_amount, f_quantity,
      f_probability, f_close_date, f_email, f_mobile, f_active, f_score, f_notes, f_region, f_signed_at)
    select md5('deal' || g)::uuid,
      timestamptz '2024-01-01 00:00:00+00' + (g * interval '37 seconds'),
      timestamptz '2024-01-01 00:00:00+00' + (g * interval '37 seconds'),
      'Deal ' || g, 'Company ' || (g % 50000), (array['sh','bj','gz','sz','cd','hz','wh','xa'])[1 + g % 8],
      (array['initial','needs','proposal','negotiation','won','lost'])[1 + (g * 7) % 6],
      ((g * 7919) % 10000000) / 100.0, 1 + g % 100, (g % 100)::numeric, date '2024-01-01' + (g % 900)::int,
      'user' || g || '@example.com', '138' || lpad((g % 100000000)::text, 8, '0'), g % 3 <> 0, (g * 31) % 100,
      'note ' || g, 'region-' || (g % 7), timestamptz '2024-06-01 00:00:00+00' + (g * interval '11 seconds')
    from generate_series(${from}::bigint, ${to}::bigint) as g`;
}

/** The benchmark list request: a filtered, sorted page of 50. */
export const LIST_PATH = `/api/apps/bench/entities/deal/records?limit=50&sort=-amount&filter=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'stage' }, 'won'] }))}`;
