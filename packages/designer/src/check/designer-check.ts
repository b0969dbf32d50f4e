import { checkFlows } from '@dougong/flows';
import { checkFormRules, ruleCheckFields } from '@dougong/forms';
import { checkRule } from '@dougong/rules';
import { type AppDocument, appModel, pointer, validateAppDocument } from '@dougong/schema';
import type { Bilingual } from '../core/bilingual.js';
import type { DesignerState } from '../state/designer-state.js';
import { type FlowWarning, flowWarnings } from './flow-lint.js';
import { type IssueTarget, issueTarget } from './issue-target.js';

/** Who found an issue: the document validator, the form rule checker, the flow checker, or the designer. */
export type IssueSource = 'schema' | 'forms' | 'flows' | 'rules' | 'designer';

/**
 * A problem in the document, at a JSON Pointer. `blocking` issues are the ones the server refuses a draft
 * for (document schema and semantics, form rules, flow graphs); the others are the designer's warnings
 * (formulas the rule checker doubts, flow steps nothing reaches, unknown variables …). `target` says what
 * to select to show it.
 */
export interface DesignerIssue {
  readonly path: string;
  /** As the checker says it (English). */
  readonly message: string;
  /** The designer's own warnings in both languages. */
  readonly localized?: Bilingual;
  readonly source: IssueSource;
  readonly blocking: boolean;
  readonly target: IssueTarget;
}

function guarded(
  run: () => ReadonlyArray<{ path: string; message: string }>,
  path: string,
  source: IssueSource,
): ReadonlyArray<{ path: string; message: string }> {
  try {
    return run();
  } catch (error) {
    return [{ path, message: `${source} check failed: ${(error as Error).message}` }];
  }
}

/**
 * Checks a document (or a designer state's document) the way the server checks a draft — JSON Schema and
 * semantic validation (`validateAppDocument`), every form rule with the rule checker (`checkFormRules`),
 * flow graphs (`checkFlows`) — plus formulas with the rule checker and the designer's flow warnings.
 * Issues come sorted by path, each with what to select to show it.
 * @example check(state).filter((i) => i.blocking) // what stops the draft from saving
 */
export function check(input: DesignerState | AppDocument): DesignerIssue[] {
  const doc: AppDocument = 'doc' in input && 'past' in input ? input.doc : (input as AppDocument);
  const raw: Array<Omit<DesignerIssue, 'target'>> = [];
  const add = (
    items: ReadonlyArray<{ path: string; message: string }>,
    source: IssueSource,
    blocking: boolean,
  ) => {
    for (const item of items) raw.push({ path: item.path, message: item.message, source, blocking });
  };
  const validation = validateAppDocument(doc);
  if (!validation.ok) add(validation.issues, 'schema', true);
  add(
    guarded(() => checkFormRules(doc), '/forms', 'forms'),
    'forms',
    true,
  );
  add(
    guarded(() => checkFlows(doc), '/flows', 'flows'),
    'flows',
    true,
  );
  add(
    guarded(() => formulaIssues(doc), '/entities', 'rules'),
    'rules',
    false,
  );
  let warnings: FlowWarning[] = [];
  try {
    warnings = flowWarnings(doc);
  } catch (error) {
    add(
      [{ path: '/flows', message: `designer check failed: ${(error as Error).message}` }],
      'designer',
      false,
    );
  }
  for (const w of warnings)
    raw.push({
      path: w.path,
      message: w.message.en,
      localized: w.message,
      source: 'designer',
      blocking: false,
    });
  const seen = new Set<string>();
  return raw
    .filter((i) => {
      const key = `${i.path}\u0000${i.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((i) => ({ ...i, target: issueTarget(doc, i.path) }));
}

/** Formula expressions checked with the rule checker against their entity's fields. */
function formulaIssues(doc: AppDocument): Array<{ path: string; message: string }> {
  const app = appModel(doc);
  const out: Array<{ path: string; message: string }> = [];
  doc.entities.forEach((entity, e) => {
    const model = app.entitiesById.get(entity.id);
    if (!model) return;
    entity.fields.forEach((field, f) => {
      if (field.type !== 'formula') return;
      const at = pointer('', 'entities', e, 'fields', f, 'expression');
      for (const issue of checkRule(field.expression, {
        fields: ruleCheckFields(model),
        context: 'validation',
      }))
        out.push({ path: at + issue.path, message: `${issue.code}: ${issue.message}` });
    });
  });
  return out;
}

/** Only the issues under a JSON Pointer (a form, a rule, a flow step …). */
export function issuesAt(issues: readonly DesignerIssue[], path: string): DesignerIssue[] {
  return issues.filter((i) => i.path === path || i.path.startsWith(`${path}/`));
}
