import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AssignmentState } from '@dougong/rules';
import { sameJson } from '@dougong/template-kit';
import { sql } from 'kysely';
import type { Db } from './record-reader.js';
import type { RecordJson } from './row-mapping.js';
import { settleInOrder } from './settle-in-order.js';

/**
 * The assignment state of one node as a batch leaves it: what the database will hold once the batch
 * commits. Open counts are those of the node's counter (see `open-counts.ts`).
 */
export interface CarriedAssignment {
  readonly entityId: string;
  readonly counter: string;
  /** Every candidate the node may choose from (users it read). */
  readonly members: ReadonlySet<string>;
  readonly state: AssignmentState;
}

/** What a batch's assignment registers for {@link CarriedBatch.finish}. */
interface Pending {
  scope: string;
  entityId: string;
  counter: string;
  members: ReadonlySet<string>;
  /** The open counts before the batch, by user. */
  counts: ReadonlyMap<string, number>;
  /** The state after the batch's choices (its open counts are not used). */
  state: AssignmentState;
  /** Whether a record counts as open (the node's open filter). */
  open: (record: Record<string, unknown>) => boolean;
}

/** Thrown before a batch commits when the database's state is not the one carried to it. */
export class StaleCarryError extends Error {
  constructor(what: string) {
    super(`${what} changed while the batch was prepared.`);
    this.name = 'StaleCarryError';
  }
}

/**
 * The state that one batch of a bulk create carries to the next batch of the same import: each
 * assignment node's state, and the last auto-number taken per counter.
 *
 * A batch assigns under its node's row lock, from cursors and open counts read under that lock, and
 * takes its auto-numbers by moving a counter row. The next batch would wait for the previous one to
 * commit before it could do either: its whole preparation (numbering, assignment, scoring, building
 * the insert) would then run while the database is idle. With a carry, each batch records the state
 * it leaves (cursors and weights moved, open counts plus its own new records, the last numbers). The
 * next batch goes on from that state at once, and sends the lock, the counter moves and a check of
 * the state behind its other statements. Before it commits, the answers must equal the carried state.
 * When they do not (someone else assigned, numbered or changed a candidate meanwhile), the batch
 * throws {@link StaleCarryError} and rolls back, and its caller writes it again without the carry.
 *
 * Only assignment nodes whose open counts come from a counter are carried; the others read their
 * state as before.
 */
export class BatchCarry {
  /** @internal */
  readonly carried = new Map<string, CarriedAssignment>();
  /** @internal */
  readonly numbers = new Map<string, number>();

  /** Whether the state of an assignment node (`flow/node`) is carried to the next batch. */
  carries(scope: string): boolean {
    return this.carried.has(scope);
  }

  /** A batch's use of the carry: what it takes from the batches before and leaves to the next. */
  batch(): CarriedBatch {
    return new CarriedBatch(this);
  }

  /** Forgets every carried state (after a batch failed: the next one reads the database again). */
  reset(): void {
    this.carried.clear();
    this.numbers.clear();
  }
}

/**
 * One batch's part of a {@link BatchCarry}: the statements it holds back until its reads are done,
 * the checks it waits for before it commits, and the assignment states it leaves.
 */
export class CarriedBatch {
  private pending: Pending[] = [];
  private deferred: Array<() => Promise<unknown>> = [];
  private checks: Array<Promise<unknown>> = [];

  constructor(private readonly carry: BatchCarry) {}

  /** The last number a previous batch took from an auto-number counter (`entity/field/period`). */
  lastNumber(counter: string): number | undefined {
    return this.carry.numbers.get(counter);
  }

  /**
   * Records the last number this batch took from a counter; with `move` (the counter's update,
   * returning its new value), sends it with the batch's statements and checks that it gives that number.
   */
  numbered(counter: string, last: number, move?: () => Promise<number>): void {
    this.carry.numbers.set(counter, last);
    if (move)
      this.later(() =>
        move().then((value) => {
          if (value !== last) throw new StaleCarryError(`The auto-number counter ${counter}`);
        }),
      );
  }

  /** The state a node's previous batch left, if it is carried. */
  get(scope: string): CarriedAssignment | undefined {
    return this.carry.carried.get(scope);
  }

  /** Registers the state this batch's assignment leaves; {@link finish} completes its open counts. */
  leave(pending: Pending): void {
    this.pending.push(pending);
  }

  /**
   * After the batch's records are final: the open counts they add to each registered node's
   * candidates, as the node's counter will add them (live, owned by a candidate, open), make the
   * carried state. The state of a node the batch did not assign through is dropped.
   */
  finish(entityId: string, records: readonly RecordJson[]): void {
    const carried = this.carry.carried;
    // A node this batch did not assign through took no lock: the next batch reads its state again.
    for (const [scope, state] of carried)
      if (state.entityId === entityId && !this.pending.some((p) => p.scope === scope)) carried.delete(scope);
    for (const p of this.pending) {
      if (p.entityId !== entityId) continue;
      const added = new Map<string, number>();
      for (const record of records) {
        const owner = record.ownerId;
        if (typeof owner === 'string' && p.members.has(owner) && p.open(record))
          added.set(owner, (added.get(owner) ?? 0) + 1);
      }
      const users = Object.fromEntries(
        Object.entries(p.state.users).map(([id, user]) => [
          id,
          { ...user, openCount: (p.counts.get(id) ?? 0) + (added.get(id) ?? 0) },
        ]),
      );
      carried.set(p.scope, {
        entityId: p.entityId,
        counter: p.counter,
        members: p.members,
        state: { ...p.state, users },
      });
    }
    this.pending = this.pending.filter((p) => p.entityId !== entityId);
  }

  /**
   * Checks, with the batch's statements, that the database holds `carried` for the node (after its
   * lock, sent before it).
   */
  check(
    trx: Db,
    appKey: string,
    flowId: string,
    nodeId: string,
    scope: string,
    carried: CarriedAssignment,
  ): void {
    const members = `{${[...carried.members].join(',')}}`;
    this.later(() =>
      sql<{ cursors: unknown; state: unknown; counts: unknown; users: unknown }>`select
          (select coalesce(json_object_agg(target, position), '{}') from dougong.assignment_cursors
            where app_key = ${appKey} and scope = ${scope} and target <> '*') as cursors,
          (select state from dougong.flow_assignment_state
            where app_key = ${appKey} and flow_id = ${flowId} and node_id = ${nodeId}) as state,
          (select coalesce(json_object_agg(owner_id, n), '{}') from dougong.open_counts
            where app_key = ${appKey} and counter = ${carried.counter}
              and owner_id = any(cast(${members} as uuid[]))) as counts,
          (select coalesce(json_object_agg(id, status), '{}') from dougong.users
            where id = any(cast(${members} as uuid[]))) as users`
        .execute(trx)
        .then(({ rows }) => {
          if (!holds(rows[0]!, carried.state)) throw new StaleCarryError(`The assignment state of ${scope}`);
        }),
    );
  }

  /**
   * A statement the batch sends once its reads are done ({@link flush}) and waits for before it
   * commits. Those that wait for the previous batch's locks go last: a read queued behind them on the
   * connection would wait too.
   */
  later(statement: () => Promise<unknown>): void {
    this.deferred.push(statement);
  }

  /** Sends the statements of {@link later}, in order. */
  flush(): void {
    const deferred = this.deferred;
    this.deferred = [];
    for (const statement of deferred) {
      const sent = statement();
      // Awaited by settle; until then a failure must not count as unhandled.
      sent.catch(() => undefined);
      this.checks.push(sent);
    }
  }

  /**
   * A turn of the event loop, taken between the steps of building the batch: the previous batch's
   * statements run meanwhile, and node-postgres sends each only once the one before has answered.
   */
  turn(): Promise<void> {
    return nextTurn();
  }

  /** Sends what is held back, waits for the batch's checks and statements; throws the first failure. */
  async settle(): Promise<void> {
    this.flush();
    await settleInOrder(this.checks);
  }
}

const parse = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

/** Whether the database's answer holds the carried state (cursors, weights, open counts, statuses). */
function holds(
  row: { cursors: unknown; state: unknown; counts: unknown; users: unknown },
  state: AssignmentState,
): boolean {
  const cursors = parse(row.cursors) as Record<string, number>;
  for (const [target, position] of Object.entries(cursors))
    if (Number(position) !== state.cursors?.[target]) return false;
  const saved = (parse(row.state) ?? {}) as { weighted?: unknown };
  if (!sameJson(saved.weighted ?? {}, state.weighted ?? {})) return false;
  const counts = parse(row.counts) as Record<string, number>;
  const users = parse(row.users) as Record<string, string>;
  if (Object.keys(users).length !== Object.keys(state.users).length) return false;
  for (const [id, user] of Object.entries(state.users)) {
    if (users[id] === undefined || (users[id] === 'active') !== user.active) return false;
    if (Number(counts[id] ?? 0) !== (user.openCount ?? 0)) return false;
  }
  return true;
}
