import { checkFlows } from '@dougong/flows';
import { checkFormRules } from '@dougong/forms';
import {
  type AppDocument,
  DougongError,
  upgradeDocument,
  type ValidationIssue,
  validateAppDocument,
} from '@dougong/schema';
import { planUsages } from '../planner/plan-usages.js';

/**
 * JSON Pointers of the places in `draft` that still use a field or entity it archives (present in
 * `published`, gone from the draft).
 */
export function archivedUsagePaths(published: AppDocument | null, draft: AppDocument): string[] {
  return planUsages(published, draft)
    .filter((u) => u.subject.change === 'archived')
    .map((u) => u.path);
}

/**
 * Validates a draft for saving: the document schema and its semantic checks, form rules (rule engine)
 * and flow graphs. A draft may keep references to the fields and entities it archives — the plan lists
 * them as blocking usages, so they cannot be published — every other issue is a 400 with its path.
 */
export function validateDraft(key: string, input: unknown, published: AppDocument | null): AppDocument {
  const upgraded = upgradeDocument(input);
  let tolerated: string[] | undefined;
  const allow = (issue: ValidationIssue, doc: AppDocument) => {
    if (!published) return false;
    tolerated ??= archivedUsagePaths(published, doc);
    return tolerated.some((p) => issue.path === p || issue.path.startsWith(`${p}/`));
  };
  const result = validateAppDocument(upgraded, { allow });
  if (!result.ok) throw new DougongError('VALIDATION_FAILED', 'The app document is invalid.', result.issues);
  const doc = result.document;
  // Form rules are checked with the rule engine, a layer above the document validator.
  const formRules = checkFormRules(doc).filter((issue) => !allow(issue, doc));
  if (formRules.length > 0)
    throw new DougongError('VALIDATION_FAILED', 'The app document is invalid.', formRules);
  // Flow graphs are checked by the flow package (schema cannot depend on it).
  const flowIssues = checkFlows(doc).filter((issue) => !allow(issue, doc));
  if (flowIssues.length > 0)
    throw new DougongError('VALIDATION_FAILED', 'The app document is invalid.', flowIssues);
  if (doc.key !== key) {
    throw new DougongError('VALIDATION_FAILED', undefined, [
      { path: '/key', message: `must equal the app key in the URL ("${key}")` },
    ]);
  }
  return doc;
}
