import type { AppDocument, Entity, Field } from '@dougong/schema';
import { api, query } from '../api/client';
import { loadDepartmentNames, loadUserNames } from './directory';

/** A record as the API returns it. */
export type RecordJson = Record<string, unknown> & {
  id: string;
  version: number;
  _expand?: Record<string, Record<string, unknown> | null>;
};

/** A page of records. */
export interface Page {
  items: RecordJson[];
  nextCursor: string | null;
  total: number;
  totalExact: boolean;
}

/** The URL of an entity's records. */
export const recordsUrl = (app: string, entity: string) => `/api/apps/${app}/entities/${entity}/records`;

/** The entity of a document by key. */
export function entityByKey(doc: AppDocument, key: string): Entity | undefined {
  return doc.entities.find((e) => e.key === key);
}

/** Fields shown as list columns by default: the title, then scalar fields, at most six. */
export function defaultColumns(entity: Entity): string[] {
  const scalar = entity.fields.filter(
    (f) => !['subTable', 'attachment', 'richText', 'longText'].includes(f.type),
  );
  const title = entity.fields.find((f) => f.id === entity.titleField);
  const ordered = title ? [title, ...scalar.filter((f) => f !== title)] : scalar;
  return ordered.slice(0, 6).map((f) => f.key);
}

/** Loads names of users and departments that records refer to, so values show by label. */
export async function loadLabels(fields: Field[], records: RecordJson[]): Promise<void> {
  const userIds = new Set<string>();
  let departments = false;
  for (const record of records) {
    for (const key of ['ownerId']) if (typeof record[key] === 'string') userIds.add(record[key] as string);
    for (const field of fields) {
      const value = record[field.key];
      if (field.type === 'user' && typeof value === 'string') userIds.add(value);
      if (field.type === 'department' && value) departments = true;
    }
  }
  await Promise.all([
    userIds.size ? loadUserNames(userIds) : undefined,
    departments ? loadDepartmentNames() : undefined,
  ]);
}

/** Lists records with the list API's parameters. */
export function listRecords(
  app: string,
  entity: string,
  params: {
    filter?: unknown;
    sort?: string;
    q?: string;
    limit?: number;
    cursor?: string | null;
    expand?: string[];
  },
): Promise<Page> {
  return api<Page>(
    'GET',
    `${recordsUrl(app, entity)}${query({
      filter: params.filter === undefined ? undefined : JSON.stringify(params.filter),
      sort: params.sort,
      q: params.q,
      limit: params.limit ?? 50,
      cursor: params.cursor ?? undefined,
      expand: params.expand?.length ? params.expand.join(',') : undefined,
    })}`,
  );
}

/** Cells that spreadsheet programs would run as formulas are prefixed with a quote. */
export function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
