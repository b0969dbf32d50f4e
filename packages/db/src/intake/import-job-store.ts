import { UUID_PATTERN } from '@dougong/schema';
import { sql } from 'kysely';
import type { Db } from '../records/record-reader.js';

/** Where an import job is: waiting, running, finished, failed on an unexpected error, or cut off. */
export type ImportJobStatus = 'queued' | 'running' | 'done' | 'failed' | 'interrupted';

/** Counts of an import so far. */
export interface ImportProgress {
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
}

/** An import job as stored. */
export interface ImportJob extends ImportProgress {
  id: string;
  appKey: string;
  entityId: string;
  userId: string | null;
  status: ImportJobStatus;
  /** What the job was asked to do (format, mapping, dedupe …), as given. */
  options: Record<string, unknown>;
  total: number;
  /** The full report once finished. */
  report: unknown;
  /** File-store id of the rejected rows, when some were rejected. */
  rejectedFile: string | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  heartbeatAt: string;
}

const iso = (v: Date | string | null) =>
  v === null ? null : (v instanceof Date ? v : new Date(v)).toISOString();

/**
 * Import jobs and their progress. A running job beats its heartbeat with every progress write; a
 * reader that finds a heartbeat older than it should be (the process running it ended) marks the job
 * interrupted, and a progress write of a job no longer running tells its runner to stop.
 */
export class ImportJobStore {
  constructor(private readonly db: Db) {}

  /** Creates a queued job; returns its id. */
  async create(input: {
    appKey: string;
    entityId: string;
    userId: string | null;
    options: Record<string, unknown>;
    total: number;
    now: Date;
  }): Promise<string> {
    const at = input.now.toISOString();
    const { rows } = await sql<{ id: string }>`insert into dougong.import_jobs
        (app_key, entity_id, user_id, status, options, total, created_at, heartbeat_at)
      values (${input.appKey}, ${input.entityId}, ${input.userId}, 'queued', cast(${JSON.stringify(input.options)} as jsonb),
        ${input.total}, ${at}, ${at}) returning id`.execute(this.db);
    return String(rows[0]!.id);
  }

  /** Moves a queued job to running; false when it is no longer queued. */
  async start(id: string, now: Date): Promise<boolean> {
    const result =
      await sql`update dougong.import_jobs set status = 'running', started_at = ${now.toISOString()},
      heartbeat_at = ${now.toISOString()} where id = ${id} and status = 'queued' returning id`.execute(
        this.db,
      );
    return result.rows.length > 0;
  }

  /** Records progress and beats the heartbeat; false when the job is no longer running (stop it). */
  async progress(id: string, progress: ImportProgress, now: Date): Promise<boolean> {
    const result = await sql`update dougong.import_jobs set processed = ${progress.processed},
      created = ${progress.created}, updated = ${progress.updated}, skipped = ${progress.skipped},
      rejected = ${progress.rejected}, heartbeat_at = ${now.toISOString()}
      where id = ${id} and status = 'running' returning id`.execute(this.db);
    return result.rows.length > 0;
  }

  /** Ends a queued or running job with its final counts and report. */
  async finish(
    id: string,
    end: {
      status: Exclude<ImportJobStatus, 'queued' | 'running'>;
      progress?: ImportProgress;
      report?: unknown;
      rejectedFile?: string | null;
      error?: string | null;
    },
    now: Date,
  ): Promise<void> {
    const p = end.progress;
    await sql`update dougong.import_jobs set status = ${end.status}, finished_at = ${now.toISOString()},
      heartbeat_at = ${now.toISOString()},
      processed = coalesce(${p?.processed ?? null}::int, processed), created = coalesce(${p?.created ?? null}::int, created),
      updated = coalesce(${p?.updated ?? null}::int, updated), skipped = coalesce(${p?.skipped ?? null}::int, skipped),
      rejected = coalesce(${p?.rejected ?? null}::int, rejected),
      report = cast(${end.report === undefined ? null : JSON.stringify(end.report)} as jsonb),
      rejected_file = ${end.rejectedFile ?? null}, error = ${end.error ?? null}
      where id = ${id} and status in ('queued', 'running')`.execute(this.db);
  }

  /** Marks a queued or running job interrupted when its heartbeat is older than `staleBefore`. */
  async interruptStale(id: string, staleBefore: Date, now: Date): Promise<boolean> {
    const result =
      await sql`update dougong.import_jobs set status = 'interrupted', finished_at = ${now.toISOString()},
      error = 'The process running the import stopped.'
      where id = ${id} and status in ('queued', 'running') and heartbeat_at < ${staleBefore.toISOString()} returning id`.execute(
        this.db,
      );
    return result.rows.length > 0;
  }

  /** A job by id, or undefined. */
  async get(id: string): Promise<ImportJob | undefined> {
    if (!UUID_PATTERN.test(id)) return undefined;
    const { rows } = await sql<
      Record<string, unknown>
    >`select * from dougong.import_jobs where id = ${id}`.execute(this.db);
    const r = rows[0];
    if (!r) return undefined;
    const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    return {
      id: String(r.id),
      appKey: String(r.app_key),
      entityId: String(r.entity_id),
      userId: r.user_id === null ? null : String(r.user_id),
      status: r.status as ImportJobStatus,
      options: parse(r.options) as Record<string, unknown>,
      total: Number(r.total),
      processed: Number(r.processed),
      created: Number(r.created),
      updated: Number(r.updated),
      skipped: Number(r.skipped),
      rejected: Number(r.rejected),
      report: parse(r.report) ?? null,
      rejectedFile: r.rejected_file === null ? null : String(r.rejected_file),
      error: r.error === null ? null : String(r.error),
      createdAt: iso(r.created_at as Date)!,
      startedAt: iso(r.started_at as Date | null),
      finishedAt: iso(r.finished_at as Date | null),
      heartbeatAt: iso(r.heartbeat_at as Date)!,
    };
  }
}
