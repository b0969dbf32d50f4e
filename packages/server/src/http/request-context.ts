import type { Principal } from '@dougong/access';
import {
  type Actor,
  AppStore,
  type DougongDatabase,
  gateFor,
  IdentityStore,
  type RecordGate,
  RecordRepository,
} from '@dougong/db';
import { type AppModel, DougongError, type EntityModel } from '@dougong/schema';

/** What every route needs: the database, the metadata store and a clock. */
export interface ServerContext {
  database: DougongDatabase;
  store: AppStore;
  identity: IdentityStore;
  now: () => Date;
  /** Record repositories by published model (rebuilt only when an app is republished). */
  repositories: WeakMap<AppModel, RecordRepository>;
}

/** Creates the shared server context. */
export function createContext(database: DougongDatabase, now: () => Date = () => new Date()): ServerContext {
  return {
    database,
    store: new AppStore(database.db),
    identity: new IdentityStore(database.db),
    now,
    repositories: new WeakMap(),
  };
}

/** The repository for an app's published model; 404 when the app is unknown or unpublished. */
export async function repositoryFor(ctx: ServerContext, appKey: string): Promise<RecordRepository> {
  if (!/^[a-z][a-z0-9_]{1,30}$/.test(appKey)) throw new DougongError('NOT_FOUND', 'No such app.');
  const { model } = await ctx.store.publishedModel(appKey);
  let repo = ctx.repositories.get(model);
  if (!repo) {
    repo = new RecordRepository(ctx.database.db, model);
    ctx.repositories.set(model, repo);
  }
  return repo;
}

/** Reads an entity version from `If-Match` (`"3"`, `W/"3"` or `3`); undefined when absent. */
export function ifMatchVersion(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(value ?? '');
  if (!match)
    throw new DougongError('BAD_REQUEST', undefined, [
      { path: '/headers/if-match', message: 'must be a record version such as "3"' },
    ]);
  return Number(match[1]);
}

/** What a route on one entity's records works with: repository, entity, the caller's gate and actor. */
export interface RecordScope {
  repo: RecordRepository;
  model: EntityModel;
  gate: RecordGate;
  actor: Actor;
}

/**
 * Resolves an entity of a published app for a principal: 404 for unknown apps or entities, the record
 * gate from the principal's roles, and the actor writes are made as (form rules see the same user as
 * the browser's form engine).
 */
export async function recordScope(
  ctx: ServerContext,
  principal: Principal,
  appKey: string,
  entityKey: string,
): Promise<RecordScope> {
  const repo = await repositoryFor(ctx, appKey);
  const model = repo.entity(entityKey);
  const now = ctx.now();
  return {
    repo,
    model,
    gate: gateFor(repo.app, model, principal, now),
    actor: {
      userId: principal.userId,
      departmentId: principal.primaryDepartmentId,
      now,
      user: {
        id: principal.userId,
        departmentIds: principal.departmentIds,
        roleIds: principal.roles[appKey] ?? [],
      },
    },
  };
}
