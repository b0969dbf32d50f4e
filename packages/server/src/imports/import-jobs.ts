import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Actor, FileStore, ImportJob, ImportJobStore, RecordGate, RecordRepository } from '@dougong/db';
import type { EntityModel, Field, Locale } from '@dougong/schema';
import {
  IMPORT_BATCH_ROWS,
  type ImportPlan,
  type ImportReport,
  rejectedCsv,
  runImport,
} from './import-runner.js';

/** A job's progress is written at least every this many rows … */
const PROGRESS_ROWS = 50;
/** … or this many milliseconds. */
const PROGRESS_MS = 1000;
/**
 * A job writes in batches of at most {@link IMPORT_BATCH_ROWS} rows and at least {@link PROGRESS_ROWS},
 * sized so that it moves in about this many steps: progress shows and a stop takes effect part-way
 * through a small job too (a job stops between batches).
 */
const JOB_STEPS = 20;
/** A queued or running job whose heartbeat is older than this (and that no runner here holds) is interrupted. */
export const STALE_JOB_MS = 60_000;

/** Everything a job needs to run: the parsed file and the caller's scope, as of the request. */
export interface ImportJobSpec {
  repo: RecordRepository;
  model: EntityModel;
  rows: string[][];
  plan: ImportPlan;
  columns: Array<{ column: number; field: Field }>;
  actor: Actor;
  gate: RecordGate;
  userId: string;
  locale: Locale;
  /** What the request asked for, stored with the job. */
  options: Record<string, unknown>;
  total: number;
}

/**
 * Runs import jobs in this process, one at a time in arrival order; each job's state lives in the
 * database (see {@link ImportJobStore}), so any process can report it. On close the running job stops
 * between batches and it and the queued ones are marked interrupted.
 */
export class ImportJobRunner {
  private readonly queue: Array<{ id: string; spec: ImportJobSpec }> = [];
  private readonly active = new Set<string>();
  private running: Promise<void> | undefined;
  private closing = false;

  constructor(
    private readonly store: ImportJobStore,
    private readonly files: FileStore,
    private readonly now: () => Date,
    private readonly log: (error: unknown) => void = () => undefined,
  ) {}

  /** Whether this runner holds the job (queued or running here). */
  holds(id: string): boolean {
    return this.active.has(id);
  }

  /** Stores a queued job and starts it when the ones before it are done; returns its id. */
  async submit(spec: ImportJobSpec): Promise<string> {
    const id = await this.store.create({
      appKey: spec.repo.app.document.key,
      entityId: spec.model.entity.id,
      userId: spec.userId,
      options: spec.options,
      total: spec.total,
      now: this.now(),
    });
    this.active.add(id);
    this.queue.push({ id, spec });
    if (!this.running) this.running = this.drain();
    return id;
  }

  /** Stops taking work: the running job stops after its current batch; it and the queued ones are interrupted. */
  async close(): Promise<void> {
    this.closing = true;
    await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const next = this.queue.shift()!;
      try {
        if (this.closing)
          await this.store.finish(next.id, { status: 'interrupted', error: stopped }, this.now());
        else await this.run(next.id, next.spec);
      } catch (error) {
        this.log(error);
        await this.store
          .finish(next.id, { status: 'failed', error: 'The import failed unexpectedly.' }, this.now())
          .catch(this.log);
      } finally {
        this.active.delete(next.id);
      }
    }
    this.running = undefined;
  }

  private async run(id: string, spec: ImportJobSpec): Promise<void> {
    if (!(await this.store.start(id, this.now()))) return;
    let written = 0;
    let writtenAt = Date.now();
    let interrupted = false;
    const report = await runImport(
      spec.repo,
      spec.model,
      spec.rows,
      spec.plan,
      spec.columns,
      spec.actor,
      spec.gate,
      async (so) => {
        // The embedded database answers without an I/O turn: give other requests one between batches.
        await nextTurn();
        if (this.closing) interrupted = true;
        else if (so.total - written >= PROGRESS_ROWS || Date.now() - writtenAt >= PROGRESS_MS) {
          written = so.total;
          writtenAt = Date.now();
          // A job another reader marked interrupted (its heartbeat looked stale) stops here.
          if (!(await this.store.progress(id, progressOf(so), this.now()))) interrupted = true;
        }
        return interrupted ? 'stop' : undefined;
      },
      { batchSize: Math.min(IMPORT_BATCH_ROWS, Math.max(PROGRESS_ROWS, Math.ceil(spec.total / JOB_STEPS))) },
    );
    const rejectedFile =
      report.rejected.length === 0
        ? null
        : (
            await this.files.put({
              name: `${spec.model.entity.key}-rejected.csv`,
              mimeType: 'text/csv',
              content: rejectedCsv(spec.rows, report.rejected, spec.locale),
              userId: spec.userId,
            })
          ).id;
    await this.store.finish(
      id,
      {
        status: interrupted ? 'interrupted' : 'done',
        progress: progressOf(report),
        report,
        rejectedFile,
        ...(interrupted ? { error: stopped } : {}),
      },
      this.now(),
    );
  }
}

const stopped = 'The server stopped before the import finished.';

function progressOf(report: ImportReport) {
  return {
    processed: report.total,
    created: report.created,
    updated: report.updated,
    skipped: report.skipped,
    rejected: report.rejected.length,
  };
}

/** A job as `GET …/imports/{job}` returns it. */
export function jobJson(job: ImportJob, rejectedUrl: (fileId: string) => string) {
  return {
    id: job.id,
    status: job.status,
    total: job.total,
    processed: job.processed,
    created: job.created,
    updated: job.updated,
    skipped: job.skipped,
    rejected: job.rejected,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    report: job.report ?? null,
    rejectedFile: job.rejectedFile ? rejectedUrl(job.rejectedFile) : null,
    error: job.error,
  };
}
