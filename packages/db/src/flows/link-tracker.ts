import { createHmac, timingSafeEqual } from 'node:crypto';
import { type LinkClickEvent, type MailLink, rewriteLinks } from '@dougong/flows';
import { sql } from 'kysely';
import type { AppStore } from '../metadata/app-store.js';
import type { Db } from '../records/record-reader.js';
import { RecordRepository } from '../records/record-repository.js';

/** What a tracking token carries: the app, the run that sent the mail, its record, the link. */
export interface TrackedLink extends MailLink {
  readonly app: string;
  readonly run: string;
  readonly entity: string | null;
  readonly record: string | null;
}

/** The public path of tracked links; the token follows. */
export const TRACKED_LINK_PATH = '/api/public/t/';

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

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(`dougong-link:${payload}`).digest('base64url');
  }
}

/**
 * Writes a click to the flow outbox (with the clicked record, read now) when an enabled flow of the app
 * has a `linkClicked` trigger; returns whether it did.
 */
export async function recordLinkClick(db: Db, store: AppStore, link: TrackedLink): Promise<boolean> {
  const { model } = await store.publishedModel(link.app).catch(() => ({ model: undefined }));
  if (!model?.document.flows?.some((f) => f.enabled !== false && f.trigger.kind === 'linkClicked'))
    return false;
  const entity = link.entity ? model.entitiesById.get(link.entity) : undefined;
  const record =
    entity && link.record
      ? await new RecordRepository(db, model).get(entity, link.record).catch(() => null)
      : null;
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
    values (${link.app}, 'linkClicked', ${event.entity}, ${event.recordId}, cast(${JSON.stringify(event)} as jsonb))`.execute(
    db,
  );
  return true;
}
