import { createHmac, timingSafeEqual } from 'node:crypto';
import { type LinkClickEvent, type MailLink, rewriteLinks } from '@dougong/flows';
import { sql } from 'kysely';
import type { AppStore } from '../metadata/app-store.js';
import type { Db } from '../records/record-reader.js';
import { RecordRepository } from '../records/record-repository.js';
import { recordBehaviourEvent } from '../workflow/record-event-store.js';

/** What a tracking token carries: the app, the run that sent the mail, its record, the link. */
export interface TrackedLink extends MailLink {
  readonly app: string;
  readonly run: string;
  readonly entity: string | null;
  readonly record: string | null;
}

/** The public path of tracked links; the token follows. */
export const TRACKED_LINK_PATH = '/api/public/t/';

/** The public path of open-tracking pixels; the token follows. */
export const OPEN_PIXEL_PATH = '/api/public/o/';

/** What an open-tracking token carries: the app, the run that sent the mail, its record. */
export type TrackedOpen = Omit<TrackedLink, 'url' | 'label'>;

/**
 * Signs and verifies tracked e-mail links. A token is `<payload>.<HMAC-SHA256>` (base64url), so a click
 * needs no database lookup, and only URLs that were signed can be redirected to (no open redirect).
 * @example new LinkSigner(key, 'https://crm.example.cn').href({ app, run, entity, record, url, label })
 */
export class LinkSigner {
  constructor(
    private readonly key: Buffer,
    /** Prefix of the links in mails, e.g. `https://crm.example.cn` (empty: relative links). */
    private readonly baseUrl = '',
  ) {}

  /** The token of a link. */
  sign(link: TrackedLink): string {
    const payload = Buffer.from(
      JSON.stringify([link.app, link.run, link.entity, link.record, link.url, link.label]),
    ).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The link a token names, or undefined unless its signature verifies. */
  verify(token: string): TrackedLink | undefined {
    const dot = token.indexOf('.');
    if (dot < 1 || token.length > 8192) return undefined;
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.mac(payload));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const [app, run, entity, record, url, label] = JSON.parse(
        Buffer.from(payload, 'base64url').toString('utf8'),
      ) as [string, string, string | null, string | null, string, string];
      if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) return undefined;
      return { app, run, entity, record, url, label };
    } catch {
      return undefined;
    }
  }

  /** The tracking URL of a link. */
  href(link: TrackedLink): string {
    return `${this.baseUrl.replace(/\/+$/, '')}${TRACKED_LINK_PATH}${this.sign(link)}`;
  }

  /** Rewrites the `http(s)` links of a mail body to tracking links of this run and record. */
  rewrite(html: string, context: Omit<TrackedLink, 'url' | 'label'>): string {
    return rewriteLinks(html, (link) => this.href({ ...context, ...link }));
  }

  /** The open-tracking pixel URL of a mail (signed like links, under its own purpose). */
  openHref(open: TrackedOpen): string {
    const payload = Buffer.from(JSON.stringify([open.app, open.run, open.entity, open.record])).toString(
      'base64url',
    );
    return `${this.baseUrl.replace(/\/+$/, '')}${OPEN_PIXEL_PATH}${payload}.${this.mac(payload, 'open')}`;
  }

  /** The mail an open-tracking token names, or undefined unless its signature verifies. */
  verifyOpen(token: string): TrackedOpen | undefined {
    const dot = token.indexOf('.');
    if (dot < 1 || token.length > 2048) return undefined;
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.mac(payload, 'open'));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const [app, run, entity, record] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [
        string,
        string,
        string | null,
        string | null,
      ];
      return typeof app === 'string' ? { app, run, entity, record } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Appends the open-tracking pixel to a mail body (before `</body>` when there is one). */
  addPixel(html: string, open: TrackedOpen): string {
    const img = `<img src="${this.openHref(open)}" width="1" height="1" alt="" style="display:none">`;
    return /<\/body>/i.test(html) ? html.replace(/<\/body>/i, `${img}</body>`) : `${html}${img}`;
  }

  private mac(payload: string, purpose: 'link' | 'open' = 'link'): string {
    return createHmac('sha256', this.key).update(`dougong-${purpose}:${payload}`).digest('base64url');
  }
}

/**
 * Stores a click as the record's `linkClicked` behaviour event (`{ label, url, run }`), and writes it
 * to the flow outbox (with the clicked record, read now) when an enabled flow of the app has a
 * `linkClicked` trigger; returns whether some flow will see it.
 */
export async function recordLinkClick(
  db: Db,
  store: AppStore,
  link: TrackedLink,
  now = new Date(),
): Promise<boolean> {
  const { model } = await store.publishedModel(link.app).catch(() => ({ model: undefined }));
  if (!model) return false;
  const entity = link.entity ? model.entitiesById.get(link.entity) : undefined;
  const record =
    entity && link.record
      ? await new RecordRepository(db, model).get(entity, link.record).catch(() => null)
      : null;
  let stored = false;
  if (record && entity) {
    const data = { label: link.label, url: link.url, run: link.run };
    const listening = model.document.flows?.some(
      (f) => f.enabled !== false && f.trigger.kind === 'recordEvent',
    );
    await recordBehaviourEvent(
      db,
      model,
      { entityId: entity.entity.id, recordId: record.id, type: 'linkClicked', at: now, data },
      record,
    );
    stored = Boolean(listening);
  }
  if (!model.document.flows?.some((f) => f.enabled !== false && f.trigger.kind === 'linkClicked'))
    return stored;
  const event: LinkClickEvent & { after: unknown } = {
    kind: 'linkClicked',
    entity: record ? link.entity : null,
    recordId: record ? link.record : null,
    label: link.label,
    url: link.url,
    runId: link.run,
    after: record,
  };
  await sql`insert into dougong.flow_events (app_key, kind, entity_id, record_id, payload)
    values (${link.app}, 'linkClicked', ${event.entity}, ${event.recordId}, cast(${JSON.stringify(event)} as json))`.execute(
    db,
  );
  return true;
}

/**
 * Stores an opened e-mail as its record's `emailOpened` behaviour event (`{ run }`); returns whether
 * a flow listens to it. Mails without a record are not counted.
 */
export async function recordEmailOpen(
  db: Db,
  store: AppStore,
  open: TrackedOpen,
  now = new Date(),
): Promise<boolean> {
  const { model } = await store.publishedModel(open.app).catch(() => ({ model: undefined }));
  const entity = model && open.entity ? model.entitiesById.get(open.entity) : undefined;
  if (!model || !entity || !open.record) return false;
  const record = await new RecordRepository(db, model).get(entity, open.record).catch(() => null);
  if (!record) return false;
  await recordBehaviourEvent(
    db,
    model,
    {
      entityId: entity.entity.id,
      recordId: record.id,
      type: 'emailOpened',
      at: now,
      data: { run: open.run },
    },
    record,
  );
  return Boolean(model.document.flows?.some((f) => f.enabled !== false && f.trigger.kind === 'recordEvent'));
}
