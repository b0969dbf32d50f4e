import { type AppDocument, AppKeySchema } from '@dougong/schema';
import { ApiError, api } from '../api/client';

/** What an app key may be (the schema's own pattern): a new app's, a template install's. */
export const APP_KEY = new RegExp(AppKeySchema.pattern as string);

/** Text of a plan step or check in both UI languages. */
export interface StepText {
  'zh-CN': string;
  en: string;
}

/** One step of a migration plan as the server reports it. */
export interface PlanStepView {
  kind: string;
  entityId?: string;
  fieldId?: string;
  text: StepText;
}

/** A check of a plan step against live data. */
export interface PlanCheckView {
  step: number;
  blocking: boolean;
  message: StepText;
  failing: number;
  recordIds: string[];
  samples?: Array<{ id: string; value: unknown; reason: string }>;
}

/** Where a field or entity that is archived or changed is still used. */
export interface UsageView {
  path: string;
  kind?: string;
  message?: StepText | string;
  blocking?: boolean;
  [key: string]: unknown;
}

/** The dry run of a publish. */
export interface PlanView {
  plan: { fromVersion: number; toVersion: number; steps: PlanStepView[] };
  checks: PlanCheckView[];
  blocked: boolean;
  usages?: UsageView[];
}

/** A published version. */
export interface VersionView {
  version: number;
  publishedAt: string;
  publishedBy: string | null;
  summary: string | null;
  steps: number;
}

/** The draft of an app and its revision (the optimistic-concurrency token of saves). */
export async function loadDraft(app: string): Promise<{ document: AppDocument; revision: number }> {
  return api('GET', `/api/apps/${app}/draft`);
}

/** Saves the whole draft; a stale revision answers 409 `DRAFT_CONFLICT`. */
export async function saveDraft(
  app: string,
  document: AppDocument,
  revision: number | null,
): Promise<number> {
  const headers: Record<string, string> = revision === null ? {} : { 'if-match': `"${revision}"` };
  return (await api<{ revision: number }>('PUT', `/api/apps/${app}/draft`, document, headers)).revision;
}

/** The plan from the published version to the draft (changes nothing). */
export async function planDraft(app: string): Promise<PlanView> {
  return api('POST', `/api/apps/${app}/plan`);
}

/** Publishes the draft at the given revision. A blocked plan throws with the plan in the error body. */
export async function publishDraft(
  app: string,
  revision: number,
  summary: string,
): Promise<PlanView & { version: number }> {
  return api('POST', `/api/apps/${app}/publish`, {
    expectedRevision: revision,
    ...(summary.trim() ? { summary: summary.trim() } : {}),
  });
}

/** Published versions, newest first. */
export async function listVersions(app: string): Promise<VersionView[]> {
  return (await api<{ items: VersionView[] }>('GET', `/api/apps/${app}/versions`)).items;
}

/** The plan carried by a blocked publish's error, if any. */
export function blockedPlan(error: unknown): PlanView | null {
  if (!(error instanceof ApiError) || error.code !== 'PUBLISH_BLOCKED') return null;
  const body = error.body as Partial<PlanView>;
  if (!body.plan) return null;
  return {
    plan: body.plan,
    checks: body.checks ?? [],
    blocked: true,
    ...(body.usages ? { usages: body.usages } : {}),
  };
}

/**
 * Rolls the app back to an earlier version: that version's document becomes the draft and is published as
 * a new version. A blocked plan throws with the plan in the error body (see {@link blockedPlan}).
 */
export async function rollbackTo(
  app: string,
  version: number,
  revision: number,
): Promise<PlanView & { version: number; revision: number }> {
  return api('POST', `/api/apps/${app}/versions/${version}/rollback`, { expectedRevision: revision });
}
