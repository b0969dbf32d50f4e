import {
  AppStore,
  type ExternalPerformers,
  FlowRuntime,
  migrateSystem,
  RecordRepository,
  SecretBox,
} from '@dougong/db';
import { createTestDatabase, type TestDatabase } from '@dougong/db/testing';
import type { AppDocument, Flow } from '@dougong/schema';

/** A controllable clock. */
export interface Clock {
  now: () => Date;
  set(iso: string): void;
  tick(ms: number): void;
}

export function clock(start = '2026-03-01T02:00:00Z'): Clock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set: (iso) => {
      current = new Date(iso).getTime();
    },
    tick: (ms) => {
      current += ms;
    },
  };
}

/** External effects, captured with their idempotency keys; `failNext` makes the next calls throw. */
export class CapturingPerformers implements ExternalPerformers {
  emails: Array<{ to: readonly string[]; subject: string; html: string; key: string }> = [];
  requests: Array<{
    method: string;
    url: string;
    headers: Record<string, string>;
    body: unknown;
    key: string;
  }> = [];
  robots: Array<{ channel: string; url: string; message: unknown; key: string }> = [];
  failures = 0;
  response: unknown = { ok: true, id: 'ERP-1' };

  private maybeFail() {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('connection refused (test)');
    }
  }
  async sendEmail(mail: { to: readonly string[]; subject: string; html: string }, key: string) {
    this.maybeFail();
    this.emails.push({ ...mail, key });
    return { messageId: `<${key}@test>` };
  }
  async httpRequest(
    request: {
      method: string;
      url: string;
      headers: Record<string, string>;
      body: unknown;
      timeoutMs: number;
    },
    key: string,
  ) {
    this.maybeFail();
    this.requests.push({ ...request, key });
    return { status: 200, body: this.response };
  }
  async robot(request: { channel: 'dingtalk' | 'wecom'; url: string; message: unknown }, key: string) {
    this.maybeFail();
    this.robots.push({ ...request, key });
    return { errcode: 0 };
  }
}

/** A public sign-up form of leads (name, e-mail), for form-submitted triggers. */
export const SIGNUP_FORM = {
  id: 'signup',
  entity: 'lead',
  label: { en: 'Sign-up' },
  kind: 'public',
  layout: [
    {
      id: 'main',
      kind: 'section',
      columns: 1,
      children: [
        { id: 'f_name', kind: 'field', fieldId: 'name' },
        { id: 'f_email', kind: 'field', fieldId: 'email' },
      ],
    },
  ],
  public: { title: { en: 'Sign up' }, thankYou: { en: 'Thanks' } },
};

export function flowApp(flows: Flow[]): AppDocument {
  return {
    forms: [SIGNUP_FORM],
    schemaVersion: 1,
    key: 'crm',
    label: { en: 'CRM' },
    timeZone: 'Asia/Shanghai',
    entities: [
      {
        id: 'lead',
        key: 'lead',
        label: { en: 'Lead' },
        titleField: 'name',
        fields: [
          { id: 'name', key: 'name', type: 'text', label: { en: 'Name' }, required: true },
          { id: 'email', key: 'email', type: 'email', label: { en: 'Email' } },
          { id: 'status', key: 'status', type: 'text', label: { en: 'Status' } },
          { id: 'score', key: 'score', type: 'number', integer: true, label: { en: 'Score' } },
          { id: 'assigned_on', key: 'assignedOn', type: 'date', label: { en: 'Assigned on' } },
          { id: 'followed_up', key: 'followedUp', type: 'boolean', label: { en: 'Followed up' } },
        ],
      },
      {
        id: 'note',
        key: 'note',
        label: { en: 'Note' },
        titleField: 'title',
        fields: [
          { id: 'title', key: 'title', type: 'text', label: { en: 'Title' }, required: true },
          { id: 'ref', key: 'ref', type: 'text', label: { en: 'Ref' } },
        ],
      },
    ],
    flows,
  } as AppDocument;
}

export interface FlowFixture {
  handle: TestDatabase;
  store: AppStore;
  clock: Clock;
  external: CapturingPerformers;
  runtime: FlowRuntime;
  secrets: SecretBox;
  /** Publishes the app with these flows (a new version). */
  publish(flows: Flow[]): Promise<void>;
  repo(): Promise<RecordRepository>;
  close(): Promise<void>;
}

export async function createFlowFixture(flows: Flow[] = []): Promise<FlowFixture> {
  const handle = await createTestDatabase();
  await migrateSystem(handle.db);
  const store = new AppStore(handle.db);
  const c = clock();
  const external = new CapturingPerformers();
  const secrets = new SecretBox('test-secret-key');
  const runtime = new FlowRuntime({ db: handle.db, store, external, now: c.now, secrets, leaseMs: 30_000 });
  const publish = async (list: Flow[]) => {
    await store.saveDraft('crm', flowApp(list), { actor: null });
    await store.publish('crm', { actor: null });
    store.invalidate('crm');
  };
  await publish(flows);
  return {
    handle,
    store,
    clock: c,
    external,
    runtime,
    secrets,
    publish,
    repo: async () => new RecordRepository(handle.db, (await store.publishedModel('crm')).model),
    close: () => handle.close(),
  };
}
