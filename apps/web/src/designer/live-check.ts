import { flowWarnings, issueTarget } from '@dougong/designer';
import type { DesignerIssue } from '@dougong/designer/check';
import { checkFlows } from '@dougong/flows';
import { checkFormRules } from '@dougong/forms';
import type { AppDocument } from '@dougong/schema';

function guarded(
  doc: AppDocument,
  run: () => ReadonlyArray<{ path: string; message: string }>,
  source: DesignerIssue['source'],
  blocking: boolean,
): DesignerIssue[] {
  try {
    return run().map((i) => ({ ...i, source, blocking, target: issueTarget(doc, i.path) }));
  } catch {
    return [];
  }
}

function warnings(doc: AppDocument): DesignerIssue[] {
  try {
    return flowWarnings(doc).map((w) => ({
      path: w.path,
      message: w.message.en,
      localized: w.message,
      source: 'designer',
      blocking: false,
      target: issueTarget(doc, w.path),
    }));
  } catch {
    return [];
  }
}

/** The checks that run without compiling schemas: form rules, flow graphs and the designer's flow warnings. */
export function lightCheck(doc: AppDocument): DesignerIssue[] {
  return [
    ...guarded(doc, () => checkFormRules(doc), 'forms', true),
    ...guarded(doc, () => checkFlows(doc), 'flows', true),
    ...warnings(doc),
  ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The live check of a draft in the browser. The designer's full check (`@dougong/designer/check`) compiles
 * the document's JSON Schema at run time, which the web app's content security policy forbids (no
 * `unsafe-eval`), so the checks that need no compiling run here, on every edit, and the server's answer to
 * each save (autosave included) adds the schema and semantic issues — the same checks, run by the server.
 */
export function liveCheck(doc: AppDocument): DesignerIssue[] {
  return lightCheck(doc);
}

/** Issues the server reported for a saved draft, as designer issues (what to select to show each). */
export function serverIssues(
  doc: AppDocument,
  details: ReadonlyArray<{ path: string; message: string }>,
): DesignerIssue[] {
  return details.map((d) => ({
    path: d.path,
    message: d.message,
    source: 'schema',
    blocking: true,
    target: issueTarget(doc, d.path),
  }));
}
