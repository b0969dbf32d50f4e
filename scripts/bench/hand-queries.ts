import { type Kysely, sql } from 'kysely';

const COLUMNS = [
  'id',
  'version',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  'owner_id',
  'owner_dept_id',
  'deleted_at',
  'f_name',
  'f_company',
  'f_city',
  'f_stage',
  'f_amount',
  'f_quantity',
  'f_probability',
  'f_close_date',
  'f_email',
  'f_mobile',
  'f_active',
  'f_score',
  'f_notes',
  'f_region',
  'f_signed_at',
] as const;

/** The list page written by hand in Kysely: same filter, order, limit and bounded count as the API. */
export function handQueries(db: Kysely<any>) {
  const page = db
    .withSchema('app_bench')
    .selectFrom('t_deal as r')
    .select(COLUMNS.map((c) => `r.${c}` as const))
    .where('r.deleted_at', 'is', null)
    .where('r.f_stage', '=', 'won')
    .orderBy('r.f_amount', 'desc')
    .orderBy('r.id', 'desc')
    .limit(51);
  const bounded = db
    .withSchema('app_bench')
    .selectFrom('t_deal as r')
    .select(sql`1`.as('one'))
    .where('r.deleted_at', 'is', null)
    .where('r.f_stage', '=', 'won')
    .limit(10_001);
  const count = db.selectFrom(bounded.as('b')).select(sql<number>`count(*)::int`.as('n'));
  const byId = (id: string) =>
    db
      .withSchema('app_bench')
      .selectFrom('t_deal')
      .select([...COLUMNS])
      .where('id', '=', id)
      .where('deleted_at', 'is', null);
  return { page, count, byId };
}
