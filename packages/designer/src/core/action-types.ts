import type { AppDocument } from '@dougong/schema';
import type { Usage } from '../model/usages.js';
import type { Selection } from '../state/selection.js';
import { type Bilingual, bi } from './bilingual.js';

/** Why the designer refused an action. */
export type RefusalCode =
  | 'not_found'
  | 'duplicate_id'
  | 'duplicate_key'
  | 'invalid_id'
  | 'invalid_key'
  | 'invalid_value'
  | 'invalid_target'
  | 'referenced'
  | 'already_placed'
  | 'too_deep'
  | 'last_item'
  | 'not_allowed';

/**
 * A refused action: a code, a message in both languages, and — for `referenced` — where the thing is
 * still used (JSON Pointers into the document).
 */
export interface Refusal {
  readonly code: RefusalCode;
  readonly message: Bilingual;
  readonly usages?: readonly Usage[];
}

/** The outcome of applying one action: the new document (and what to select), or a refusal. */
export type ActionResult =
  | { readonly ok: true; readonly doc: AppDocument; readonly select?: Selection }
  | { readonly ok: false; readonly refusal: Refusal };

/**
 * One action's behaviour. `apply` is pure and never mutates its input; it returns the same document
 * object when nothing changes (a no-op, which leaves no undo step).
 */
export interface ActionHandler<A> {
  /** What the undo menu calls the action. */
  readonly label: Bilingual;
  apply(doc: AppDocument, action: A): ActionResult;
  /**
   * Consecutive actions with the same key merge into one undo step (typing into one property). Called with
   * the document before the action.
   */
  coalesceKey?(action: A, before: AppDocument): string | undefined;
}

/** A refusal result. */
export function refuse(
  code: RefusalCode,
  zh: string,
  en: string,
  usages?: readonly Usage[],
): { ok: false; refusal: Refusal } {
  return { ok: false, refusal: { code, message: bi(zh, en), ...(usages ? { usages } : {}) } };
}

/** A success result. */
export function done(doc: AppDocument, select?: Selection): ActionResult {
  return select === undefined ? { ok: true, doc } : { ok: true, doc, select };
}

/** Refusals shared by many actions. */
export const missing = {
  entity: (id: string) => refuse('not_found', `没有实体 "${id}"`, `No entity "${id}"`),
  field: (id: string) => refuse('not_found', `没有字段 "${id}"`, `No field "${id}"`),
  option: (id: string) => refuse('not_found', `没有选项 "${id}"`, `No option "${id}"`),
  form: (id: string) => refuse('not_found', `没有表单 "${id}"`, `No form "${id}"`),
  formNode: (id: string) => refuse('not_found', `表单中没有节点 "${id}"`, `No node "${id}" on the form`),
  formRule: (id: string) => refuse('not_found', `表单中没有规则 "${id}"`, `No rule "${id}" on the form`),
  flow: (id: string) => refuse('not_found', `没有流程 "${id}"`, `No flow "${id}"`),
  flowNode: (id: string) => refuse('not_found', `流程中没有节点 "${id}"`, `No node "${id}" in the flow`),
  role: (key: string) => refuse('not_found', `没有角色 "${key}"`, `No role "${key}"`),
};
