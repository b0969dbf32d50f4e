import type { AppDocument, Flow } from '@dougong/schema';
import { pointer } from '@dougong/schema';
import { type Bilingual, bi } from '../core/bilingual.js';
import { reachable } from '../flow/flow-graph.js';
import { flowVariables, isKnownVariable } from '../flow/flow-variables.js';
import { stringsIn, templatePaths, varReads } from '../model/json-refs.js';

/** A problem the designer finds in a flow that the server accepts but that will not work as meant. */
export interface FlowWarning {
  readonly path: string;
  readonly message: Bilingual;
}

const RUN_ROOTS = new Set(['record', 'previous', 'trigger', 'nodes', 'vars', 'run', 'now']);
// Parts of nodes whose rules read another record by bare keys, not the run scope.
const RECORD_SCOPED = new Set(['filter', 'rules', 'model', 'openFilter']);

function lintFlow(doc: AppDocument, flow: Flow, f: number, out: FlowWarning[]): void {
  const base = pointer('', 'flows', f);
  const live = reachable(flow);
  flow.nodes.forEach((node, n) => {
    const at = pointer(base, 'nodes', n);
    if (!live.has(node.id)) {
      out.push({ path: at, message: bi('没有路径到达这个节点', 'No path reaches this step') });
      return;
    }
    if (node.kind === 'parallel')
      node.branches.forEach((target, b) => {
        if (target === node.join)
          out.push({
            path: pointer(at, 'branches', b),
            message: bi('这个并行分支还没有步骤', 'This parallel branch has no step yet'),
          });
      });
    if (
      node.kind === 'sendEmail' &&
      node.to === undefined &&
      !('toUsers' in node) &&
      !('toManagerOf' in node)
    )
      out.push({ path: at, message: bi('请选择收件人', 'Choose who receives the e-mail') });
    const tree = flowVariables(doc, flow.id, node.id);
    for (const [key, value] of Object.entries(node)) {
      if (RECORD_SCOPED.has(key) || key === 'id' || key === 'kind') continue;
      const where = pointer(at, key);
      for (const read of varReads(value, where)) {
        const root = read.path.split('.')[0]!;
        if (RUN_ROOTS.has(root) && !isKnownVariable(tree, read.path))
          out.push({
            path: read.at,
            message: bi(`没有变量 "${read.path}"`, `No variable "${read.path}" here`),
          });
      }
      for (const text of stringsIn(value, where))
        for (const path of templatePaths(text.text))
          if (!isKnownVariable(tree, path))
            out.push({ path: text.at, message: bi(`没有变量 "${path}"`, `No variable "${path}" here`) });
    }
  });
}

/**
 * The designer's own flow checks (warnings; the server accepts these flows): steps no path reaches,
 * parallel branches without a step (they would run the join once per branch), e-mails without
 * recipients, and variables an expression or template reads that do not exist at that step.
 */
export function flowWarnings(doc: AppDocument): FlowWarning[] {
  const out: FlowWarning[] = [];
  (doc.flows ?? []).forEach((flow, f) => {
    lintFlow(doc, flow, f, out);
  });
  return out;
}
