import type { RuleBuilderContext, RuleField, RuleValueType } from '@dougong/designer';
import { ruleCheckFields } from '@dougong/forms';
import { type CheckField, checkRule, type FieldKind, type RuleContextKind } from '@dougong/rules';
import { type AppDocument, appModel } from '@dougong/schema';

/** A problem in a rule at a JSON Pointer into the rule (the shape of the checker's issues). */
export interface RuleIssue {
  readonly path: string;
  readonly message: string;
}

/** Checks one rule; answers its issues with pointers into the rule. */
export type RuleChecker = (logic: unknown) => RuleIssue[];

/** The rule engine's context for a rule-builder context (flows and triggers check as flow rules). */
export function checkContextOf(context: RuleBuilderContext): RuleContextKind {
  return context === 'trigger' ? 'flow' : context;
}

/**
 * The rule engine's checker over an entity's fields (bare keys, as form rules, list filters, assignment
 * and scoring conditions read them). Unknown entities check against no fields, so every field read is
 * reported.
 * @example entityChecker(doc, 'opportunity', 'validation')({ dec_gt: [{ var: 'amount' }, 'abc'] })
 * // [{ path: '/dec_gt/1', message: 'type_mismatch: dec_gt expects decimal …' }]
 */
export function entityChecker(doc: AppDocument, entityId: string, context: RuleContextKind): RuleChecker {
  let fields: CheckField[] = [];
  try {
    const model = appModel(doc).entitiesById.get(entityId);
    if (model) fields = ruleCheckFields(model);
  } catch {
    fields = [];
  }
  return (logic) => safeCheck(logic, fields, context);
}

const KIND_OF: Readonly<Record<RuleValueType, FieldKind>> = {
  text: 'text',
  integer: 'integer',
  decimal: 'decimal',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
  select: 'text',
  multiSelect: 'textArray',
  user: 'uuid',
  department: 'uuid',
  reference: 'uuid',
  id: 'uuid',
  list: 'textArray',
};

/** Roots of the run scope a flow expression may read below (their insides are typed `any`). */
const RUN_ROOTS = ['record', 'previous', 'trigger', 'nodes', 'vars', 'run', 'now', 'item'];

// Replaces `{ var: path }` reads of known variables with flat aliases, keeping the rule's shape (so the
// checker's pointers stay valid for the original rule).
function aliasVars(node: unknown, alias: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(node)) return node.map((x) => aliasVars(x, alias));
  if (!node || typeof node !== 'object') return node;
  const entries = Object.entries(node);
  if (entries.length === 1 && entries[0]![0] === 'var') {
    const args = entries[0]![1];
    const path = Array.isArray(args) ? args[0] : args;
    if (typeof path === 'string' && alias.has(path)) {
      const flat = alias.get(path)!;
      return { var: Array.isArray(args) ? [flat, ...args.slice(1).map((x) => aliasVars(x, alias))] : flat };
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, aliasVars(v, alias)]));
}

/**
 * The rule engine's checker over flow variables (`record.amount`, `nodes.query1.total` …). The checker
 * types bare keys only, so each known variable is checked under a flat alias of its type; other reads
 * under the run scope's roots are accepted as untyped, reads outside it are reported.
 */
export function variableChecker(fields: readonly RuleField[], context: RuleContextKind): RuleChecker {
  const alias = new Map<string, string>();
  const back = new Map<string, string>();
  const checkFields: CheckField[] = RUN_ROOTS.map((key) => ({ key, kind: 'text' as const }));
  fields.forEach((field, i) => {
    const flat = `v${i}_`;
    alias.set(field.path, flat);
    back.set(flat, field.path);
    const options = field.options?.map((o) => o.id);
    checkFields.push({ key: flat, kind: KIND_OF[field.type], ...(options ? { options } : {}) });
  });
  return (logic) =>
    safeCheck(aliasVars(logic, alias), checkFields, context).map((issue) => ({
      path: issue.path,
      message: issue.message.replace(/\bv\d+_/g, (flat) => back.get(flat) ?? flat),
    }));
}

function safeCheck(logic: unknown, fields: readonly CheckField[], context: RuleContextKind): RuleIssue[] {
  try {
    return checkRule(logic, { fields, context }).map((i) => ({
      path: i.path,
      message: `${i.code}: ${i.message}`,
    }));
  } catch (error) {
    return [{ path: '', message: (error as Error).message }];
  }
}
