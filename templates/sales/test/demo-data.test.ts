import { appModel, validateAppDocument, validateRecordInput } from '@dougong/schema';
import { type DemoRecord, validateTemplatePackage } from '@dougong/template-kit';
import { describe, expect, it } from 'vitest';
import { demoCompany, salesApp, salesDemoData, salesTemplate } from '../src/index.js';

const NOW = new Date('2026-03-01T02:00:00Z');
const options = (seed: string | number, size = 300) => ({ seed, size, now: NOW });
const all = (seed: string | number, size = 300) => [...salesDemoData.batches(options(seed, size))].flat();
const ofEntity = (records: DemoRecord[], entity: string) => records.filter((r) => r.entity === entity);

/** Replaces symbolic references by fixed ids (as the writer would), so payloads can be validated. */
function resolved(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolved);
  if (!value || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  if ('$record' in o || '$user' in o || '$department' in o) return '00000000-0000-4000-8000-000000000001';
  if ('$file' in o)
    return { id: '00000000-0000-4000-8000-000000000002', name: 'r.md', size: 10, mimeType: 'text/markdown' };
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolved(v)]));
}

describe('sales template package', () => {
  it('is a valid package whose document installs as "sales"', () => {
    const checked = validateTemplatePackage(salesTemplate());
    expect(checked.ok ? [] : checked.issues).toEqual([]);
    expect(salesTemplate().document).toEqual(salesApp());
    expect(validateAppDocument(salesApp()).ok).toBe(true);
  });
});

describe('sales demo data', () => {
  it('gives the same organisation and records for the same seed, other ones for another seed', () => {
    expect(all(42)).toEqual(all(42));
    expect(salesDemoData.organisation(options(42))).toEqual(salesDemoData.organisation(options(42)));
    const other = all(43);
    expect(ofEntity(other, 'lead').map((l) => l.values.name)).not.toEqual(
      ofEntity(all(42), 'lead').map((l) => l.values.name),
    );
  });

  it("gives each lead the same identity whatever the run's size", () => {
    // Times depend on the run's size (its leads spread over the same two years); who the lead is does not.
    const identity = (r: DemoRecord) => {
      const { name, company, title, mobile, email, industry, region, area, source, companySize } = r.values;
      return { name, company, title, mobile, email, industry, region, area, source, companySize };
    };
    const small = ofEntity(all(7, 150), 'lead').map(identity);
    const large = ofEntity(all(7, 600), 'lead').map(identity);
    expect(small).toEqual(large.slice(0, 150));
  });

  it('yields batches lazily, so big runs hold one batch at a time', () => {
    const iterator = salesDemoData.batches(options(1, 1_000_000))[Symbol.iterator]();
    const first = iterator.next();
    expect(first.done).toBe(false);
    expect(ofEntity(first.value as DemoRecord[], 'lead')).toHaveLength(500);
  });

  it('makes realistic companies, people, phones, places and dates', () => {
    const records = all(11, 400);
    const leads = ofEntity(records, 'lead');
    expect(leads).toHaveLength(400);
    for (const lead of leads) {
      const v = lead.values;
      expect(v.company).toMatch(
        /^[\u4e00-\u9fa5]{2,4}[\u4e00-\u9fa5]{2}[\u4e00-\u9fa5]{2,5}(有限公司|股份有限公司)$/,
      );
      expect(v.name).toMatch(/^[\u4e00-\u9fa5]{2,4}$/);
      expect(v.mobile).toMatch(/^1[3-9]\d{9}$/);
      expect(v.email).toMatch(/^[a-z.]+@[a-z-]+\.com$/);
      expect(v.area).toMatch(/^[1-9]\d{5}$/);
      expect(['east', 'south', 'north', 'central', 'southwest', 'northwest', 'northeast']).toContain(
        v.region,
      );
      // A province code's first two digits match the area's.
      expect(Date.parse(lead.at)).toBeLessThan(NOW.getTime());
      expect(Date.parse(lead.at)).toBeGreaterThan(NOW.getTime() - 731 * 86_400_000);
    }
    // Leads come in time order (so auto-numbers follow creation), more of them in the second year.
    const times = leads.map((l) => Date.parse(l.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const yearAgo = NOW.getTime() - 365 * 86_400_000;
    expect(times.filter((t) => t > yearAgo).length).toBeGreaterThan(times.filter((t) => t <= yearAgo).length);
    // Every region is there; 华东 has the most companies.
    const byRegion = new Map<string, number>();
    for (const l of leads)
      byRegion.set(l.values.region as string, (byRegion.get(l.values.region as string) ?? 0) + 1);
    expect(byRegion.size).toBe(7);
    expect(Math.max(...byRegion.values())).toBe(byRegion.get('east'));
    // Leads flow into deals that are won, lost or still open.
    const stages = new Set(ofEntity(records, 'opportunity').map((o) => o.values.stage));
    expect(stages).toContain('won');
    expect(stages).toContain('lost');
    expect(ofEntity(records, 'opportunity').length).toBe(
      leads.filter((l) => l.values.status === 'converted').length,
    );
    expect(ofEntity(records, 'follow_up').length).toBeGreaterThan(leads.length);
  });

  it('never repeats a company name or a mobile number', () => {
    const names = new Set<string>();
    for (let i = 0; i < 200_000; i++) names.add(demoCompany('x', i).name);
    expect(names.size).toBe(200_000);
    const mobiles = ofEntity(all(5, 3000), 'lead').map((l) => l.values.mobile);
    expect(new Set(mobiles).size).toBe(mobiles.length);
  });

  it('produces payloads the sales app accepts', () => {
    const model = appModel(salesApp());
    for (const record of all(3, 200)) {
      const entity = model.entitiesById.get(record.entity);
      expect(entity, record.entity).toBeDefined();
      const checked = validateRecordInput(entity!, resolved(record.values), {
        mode: 'create',
        timeZone: 'Asia/Shanghai',
        now: new Date(record.at),
      });
      expect(checked.ok ? [] : checked.issues, `${record.entity} ${JSON.stringify(record.values)}`).toEqual(
        [],
      );
    }
  });

  it('describes a sales organisation: 销售部 → regions → groups, with managers, reps and marketing', () => {
    const org = salesDemoData.organisation(options(1));
    const names = new Map(org.departments.map((d) => [d.ref, d]));
    expect(names.get('sales')?.name).toBe('销售部');
    expect(names.get('east')?.parent).toBe('sales');
    expect(names.get('east-sh')).toMatchObject({ name: '上海组', parent: 'east' });
    const roles = org.users.flatMap((u) => u.roles);
    for (const role of ['director', 'manager', 'rep', 'marketing']) expect(roles).toContain(role);
    expect(new Set(org.users.map((u) => u.login)).size).toBe(org.users.length);
    for (const d of org.departments) if (d.head) expect(org.users.some((u) => u.ref === d.head)).toBe(true);
  });
});
