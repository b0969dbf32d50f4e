import { createHash, randomBytes } from 'node:crypto';
import { DougongError, type EntityModel } from '@dougong/schema';
import type { DemoDataGenerator, DemoDataOptions, DemoOrganisation, DemoRecord } from '@dougong/template-kit';
import { type Kysely, sql } from 'kysely';
import { FileStore } from '../files/file-store.js';
import { IdentityStore } from '../identity/identity-store.js';
import type { AppStore } from '../metadata/app-store.js';
import { type BulkRecord, RecordBulkWriter } from '../records/record-bulk-writer.js';

// biome-ignore lint/suspicious/noExplicitAny: app tables are created at run time
type Db = Kysely<any>;

/** Options of {@link writeDemoData}. */
export interface DemoRunOptions extends DemoDataOptions {
  appKey: string;
  generator: DemoDataGenerator;
  /** Password hash given to demo users created now (none: they cannot sign in). */
  passwordHash?: string | null;
  /** Called after every batch. */
  onProgress?: (progress: DemoProgress) => void;
}

/** How far a demo run is. */
export interface DemoProgress {
  records: number;
  batches: number;
  elapsedMs: number;
}

/** What a demo run wrote. */
export interface DemoRunResult {
  users: number;
  departments: number;
  /** Records written, by entity id. */
  records: Record<string, number>;
  total: number;
  elapsedMs: number;
}

/**
 * Writes a generator's demo data into a published app: creates (or reuses, by login and by name under
 * the same parent) the demo departments and users with their roles in the app, then writes the records
 * batch by batch, each batch in one transaction through {@link RecordBulkWriter} — the record API's
 * checks, system columns and history, without starting flows. Refuses an app that has records already
 * (409), so generated unique values never collide with real ones.
 */
export async function writeDemoData(
  db: Db,
  store: AppStore,
  options: DemoRunOptions,
): Promise<DemoRunResult> {
  const started = performance.now();
  const { model } = await store.publishedModel(options.appKey);
  const size = options.size;
  const { generator } = options;
  if (!Number.isInteger(size) || size < generator.minSize || size > generator.maxSize)
    throw new DougongError('VALIDATION_FAILED', undefined, [
      {
        path: `/${generator.sizeName}`,
        message: `must be an integer from ${generator.minSize} to ${generator.maxSize}`,
      },
    ]);
  for (const entity of model.entitiesById.values()) {
    if (entity.entity.kind === 'child') continue;
    const { rows } = await sql`select 1 from ${sql.id(entity.schemaName, entity.tableName)} limit 1`.execute(
      db,
    );
    if (rows.length > 0)
      throw new DougongError(
        'CONFLICT',
        `The app "${options.appKey}" has ${entity.entity.key} records already; demo data goes into an app without records.`,
      );
  }
  const org = generator.organisation(options);
  const people = await ensureOrganisation(
    new IdentityStore(db),
    options.appKey,
    org,
    options.passwordHash ?? null,
  );
  const salt = randomBytes(16);
  const writer = new RecordBulkWriter(db, model);
  const counts: Record<string, number> = {};
  let total = 0;
  let batches = 0;
  for (const batch of generator.batches(options)) {
    const groups: Array<{ model: EntityModel; records: BulkRecord[] }> = [];
    const pending = new Set<string>();
    const files: PendingFile[] = [];
    for (const record of batch) {
      const entity = model.entitiesById.get(record.entity);
      if (!entity) throw new Error(`demo data names an unknown entity "${record.entity}"`);
      let group = groups[groups.length - 1];
      if (group?.model !== entity) {
        group = { model: entity, records: [] };
        groups.push(group);
      }
      const bulk = toBulk(record, people, salt, files);
      if (bulk.id) pending.add(bulk.id);
      group.records.push(bulk);
    }
    await db.transaction().execute(async (trx) => {
      const store = new FileStore(trx);
      for (const file of files) Object.assign(file.info, await store.put(file.input));
      for (const group of groups)
        await writer.createIn(trx, group.model, group.records, { events: false, pending });
    });
    for (const group of groups) {
      counts[group.model.entity.id] = (counts[group.model.entity.id] ?? 0) + group.records.length;
      total += group.records.length;
    }
    batches += 1;
    options.onProgress?.({ records: total, batches, elapsedMs: performance.now() - started });
  }
  return {
    users: org.users.length,
    departments: org.departments.length,
    records: counts,
    total,
    elapsedMs: performance.now() - started,
  };
}

interface People {
  users: Map<string, { id: string; departmentId: string }>;
  departments: Map<string, string>;
}

async function ensureOrganisation(
  identity: IdentityStore,
  appKey: string,
  org: DemoOrganisation,
  passwordHash: string | null,
): Promise<People> {
  const departments = new Map<string, string>();
  const existing = await identity.departments();
  for (const dept of org.departments) {
    const parentId = dept.parent ? departments.get(dept.parent) : null;
    if (dept.parent && !parentId) throw new Error(`demo department "${dept.ref}" comes before its parent`);
    const found = existing.find((d) => d.name === dept.name && d.parentId === (parentId ?? null));
    departments.set(
      dept.ref,
      found
        ? found.id
        : (await identity.createDepartment({ name: dept.name, parentId: parentId ?? null })).id,
    );
  }
  const users = new Map<string, { id: string; departmentId: string }>();
  for (const person of org.users) {
    const departmentId = departments.get(person.department);
    if (!departmentId) throw new Error(`demo user "${person.ref}" names an unknown department`);
    const known = await identity.credentials(person.login);
    const user =
      known?.user ??
      (await identity.createUser({
        login: person.login,
        name: person.name,
        email: person.email ?? null,
        mobile: person.mobile ?? null,
        passwordHash,
      }));
    await identity.setMemberships(user.id, [{ departmentId, primary: true }]);
    await identity.setRoles(user.id, appKey, person.roles);
    users.set(person.ref, { id: user.id, departmentId });
  }
  for (const dept of org.departments) {
    if (!dept.head) continue;
    const head = users.get(dept.head);
    if (head) await identity.updateDepartment(departments.get(dept.ref)!, { headUserId: head.id });
  }
  return { users, departments };
}

/** A record id derived from the run's salt and the record's symbolic name. */
function recordId(salt: Buffer, ref: string): string {
  const hex = createHash('sha256').update(salt).update(ref).digest('hex');
  // Shaped as a version-4 UUID.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((Number.parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A file a record's attachment field lists: stored first, its description filled in place. */
interface PendingFile {
  input: { name: string; mimeType: string; content: Buffer; userId: string };
  info: Record<string, unknown>;
}

function toBulk(record: DemoRecord, people: People, salt: Buffer, files: PendingFile[]): BulkRecord {
  const by = people.users.get(record.by);
  if (!by) throw new Error(`demo record ${record.ref ?? record.entity} names an unknown user "${record.by}"`);
  const payload = resolve(record.values, people, salt, (file) => {
    const info: Record<string, unknown> = {};
    files.push({
      input: { name: file.name, mimeType: file.mimeType, content: Buffer.from(file.text), userId: by.id },
      info,
    });
    return info;
  }) as Record<string, unknown>;
  if (record.owner === null) {
    payload.ownerId = null;
    payload.ownerDeptId = null;
  } else if (record.owner && record.owner !== record.by) {
    const owner = people.users.get(record.owner);
    if (!owner)
      throw new Error(`demo record ${record.ref ?? record.entity} names an unknown owner "${record.owner}"`);
    payload.ownerId = owner.id;
    payload.ownerDeptId = owner.departmentId;
  }
  return {
    ...(record.ref ? { id: recordId(salt, record.ref) } : {}),
    payload,
    actor: { userId: by.id, departmentId: by.departmentId, now: new Date(record.at) },
  };
}

interface DemoFile {
  name: string;
  mimeType: string;
  text: string;
}

/**
 * Replaces `{ $record }`, `{ $user }` and `{ $department }` by ids and `{ $file }` by the description
 * of the file stored for it, anywhere in the values.
 */
function resolve(
  value: unknown,
  people: People,
  salt: Buffer,
  file: (spec: DemoFile) => Record<string, unknown>,
): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, people, salt, file));
  if (!value || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  if (object.$file && typeof object.$file === 'object') return file(object.$file as DemoFile);
  if (typeof object.$record === 'string') return recordId(salt, object.$record);
  if (typeof object.$user === 'string') {
    const user = people.users.get(object.$user);
    if (!user) throw new Error(`demo data names an unknown user "${object.$user}"`);
    return user.id;
  }
  if (typeof object.$department === 'string') {
    const id = people.departments.get(object.$department);
    if (!id) throw new Error(`demo data names an unknown department "${object.$department}"`);
    return id;
  }
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, resolve(v, people, salt, file)]));
}
