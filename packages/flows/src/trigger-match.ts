import { evaluateRule, truthy } from '@dougong/rules';
import type { Flow, FlowTrigger } from '@dougong/schema';
import { Cron } from 'croner';

/** A record write as the outbox carries it: the record before and after (null when absent). */
export interface RecordEvent {
  readonly kind: 'created' | 'updated' | 'deleted' | 'restored';
  /** Entity id (stable id). */
  readonly entity: string;
  readonly recordId: string;
  readonly before: Readonly<Record<string, unknown>> | null;
  readonly after: Readonly<Record<string, unknown>> | null;
  /** The public form the record was submitted through (created events only). */
  readonly form?: string;
}

/** A click on a tracked e-mail link (see `rewriteLinks`), as the outbox carries it. */
export interface LinkClickEvent {
  readonly kind: 'linkClicked';
  /** The record the e-mail was about (its run's trigger record), when there was one. */
  readonly entity: string | null;
  readonly recordId: string | null;
  readonly label: string;
  readonly url: string;
  /** The run that sent the e-mail. */
  readonly runId: string;
}

/** A behaviour event stored for a record (an e-mail opened, a link clicked, a posted event). */
export interface StoredEvent {
  readonly kind: 'recordEvent';
  readonly entity: string;
  readonly recordId: string;
  /** The event type, e.g. `emailOpened`. */
  readonly type: string;
  readonly at: string;
  readonly data: unknown;
}

/** Whether a stored record event starts a run of the flow: a `recordEvent` trigger of its entity and type. */
export function matchesStoredEvent(flow: Flow, event: Pick<StoredEvent, 'entity' | 'type'>): boolean {
  const t = flow.trigger;
  return (
    flow.enabled !== false &&
    t.kind === 'recordEvent' &&
    (t.entity === undefined || t.entity === event.entity) &&
    (t.eventType === undefined || t.eventType === event.type)
  );
}

/** Whether a link click starts a run of the flow: a `linkClicked` trigger, with its label when given. */
export function matchesLinkClick(flow: Flow, event: LinkClickEvent): boolean {
  const t = flow.trigger;
  return (
    flow.enabled !== false && t.kind === 'linkClicked' && (t.label === undefined || t.label === event.label)
  );
}

type TriggerOf<K extends FlowTrigger['kind']> = Extract<FlowTrigger, { kind: K }>;

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Flows listen to an entity's writes when a record trigger (or a date trigger) names it, and to a
 * form's submissions when a form trigger names the form the write came through.
 */
export function listensTo(flow: Flow, entity: string, form?: string): boolean {
  const t = flow.trigger;
  if (t.kind === 'formSubmitted') return form !== undefined && t.form === form;
  return (
    (t.kind === 'recordCreated' ||
      t.kind === 'recordUpdated' ||
      t.kind === 'recordDeleted' ||
      t.kind === 'dateRelative') &&
    t.entity === entity
  );
}

/**
 * Whether a record event starts a run of the flow: the kind and entity match, every "changed to"
 * condition is met by some change, and the trigger's condition holds on the record.
 * @example matchesRecordEvent(flow, { kind: 'updated', entity: 'lead', before, after, recordId }, ctx)
 */
export function matchesRecordEvent(
  flow: Flow,
  event: RecordEvent,
  ctx: { now: Date; timeZone: string },
): boolean {
  if (flow.enabled === false) return false;
  const t = flow.trigger;
  if (t.kind === 'formSubmitted') {
    if (event.kind !== 'created' || event.form !== t.form) return false;
  } else if (!('entity' in t) || t.entity !== event.entity) return false;
  const holds = (condition: unknown) =>
    condition === undefined ||
    truthy(evaluateRule(condition, event.after ?? event.before ?? {}, { ...ctx, previous: event.before }));
  switch (t.kind) {
    case 'recordCreated':
      return event.kind === 'created' && holds(t.condition);
    case 'formSubmitted':
      return holds(t.condition);
    case 'recordDeleted':
      return event.kind === 'deleted';
    case 'recordUpdated':
      return event.kind === 'updated' && changedAsAsked(t, event) && holds(t.condition);
    default:
      return false;
  }
}

function changedAsAsked(t: TriggerOf<'recordUpdated'>, event: RecordEvent): boolean {
  if (!t.changed) return true;
  return t.changed.some(({ field, to }) => {
    const before = event.before?.[field];
    const after = event.after?.[field];
    if (same(before, after)) return false;
    return to === undefined || same(after, to);
  });
}

/**
 * The next time a cron expression fires strictly after `after`, in the app's time zone; null when never.
 * After downtime the caller schedules from "now", so missed ticks fire once, not once per tick.
 * @example nextCronRun('0 9 * * 1-5', new Date(), 'Asia/Shanghai')
 */
export function nextCronRun(cron: string, after: Date, timeZone: string): Date | null {
  return new Cron(cron, { timezone: timeZone, paused: true }).nextRun(after);
}

/** A cron expression's problem, or undefined when croner accepts it. */
export function cronIssue(cron: string): string | undefined {
  try {
    new Cron(cron, { paused: true });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * When a date-relative trigger falls due for a record: the field's value (a date counts from midnight
 * in the app's zone) plus the offset; null when the field is empty.
 */
export function dateTriggerDue(
  trigger: TriggerOf<'dateRelative'>,
  record: Readonly<Record<string, unknown>>,
  timeZone: string,
): Date | null {
  const value = record[trigger.field];
  if (typeof value !== 'string' || value === '') return null;
  const base = /^\d{4}-\d{2}-\d{2}$/.test(value) ? zonedMidnight(value, timeZone) : new Date(value).getTime();
  if (!Number.isFinite(base)) return null;
  return new Date(base + trigger.offsetMinutes * 60_000);
}

/** Whether a date-relative trigger's condition still holds when it falls due. */
export function dateTriggerHolds(
  trigger: TriggerOf<'dateRelative'>,
  record: Readonly<Record<string, unknown>>,
  ctx: { now: Date; timeZone: string },
): boolean {
  return trigger.condition === undefined || truthy(evaluateRule(trigger.condition, record, ctx));
}

function zonedMidnight(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  return guess - offsetMs(guess, timeZone);
}

function offsetMs(epochMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(epochMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return local - Math.floor(epochMs / 1000) * 1000;
}
