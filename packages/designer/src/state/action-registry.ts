import type { AppDocument } from '@dougong/schema';
import { type AddBranchAction, addBranch } from '../actions/add-branch.js';
import { type AddEntityAction, addEntity } from '../actions/add-entity.js';
import { type AddFieldAction, addField } from '../actions/add-field.js';
import { type AddFlowAction, addFlow } from '../actions/add-flow.js';
import { type AddFormAction, addForm } from '../actions/add-form.js';
import { type AddFormNodeAction, addFormNode } from '../actions/add-form-node.js';
import { type AddOptionAction, addOption } from '../actions/add-option.js';
import { type AddRoleAction, addRole } from '../actions/add-role.js';
import { type ChangeFieldTypeAction, changeFieldType } from '../actions/change-field-type.js';
import { type DescribeEntityAction, describeEntity } from '../actions/describe-entity.js';
import { type InsertFlowNodeAction, insertFlowNode } from '../actions/insert-flow-node.js';
import { type MoveFieldAction, moveField } from '../actions/move-field.js';
import { type MoveFlowNodeAction, moveFlowNode } from '../actions/move-flow-node.js';
import { type MoveFormNodeAction, moveFormNode } from '../actions/move-form-node.js';
import { type MoveFormRuleAction, moveFormRule } from '../actions/move-form-rule.js';
import { type MoveOptionAction, moveOption } from '../actions/move-option.js';
import { type RemoveBranchAction, removeBranch } from '../actions/remove-branch.js';
import { type RemoveEntityAction, removeEntity } from '../actions/remove-entity.js';
import { type RemoveFieldAction, removeField } from '../actions/remove-field.js';
import { type RemoveFlowAction, removeFlow } from '../actions/remove-flow.js';
import { type RemoveFlowNodeAction, removeFlowNode } from '../actions/remove-flow-node.js';
import { type RemoveFormAction, removeForm } from '../actions/remove-form.js';
import { type RemoveFormNodesAction, removeFormNodes } from '../actions/remove-form-nodes.js';
import { type RemoveFormRuleAction, removeFormRule } from '../actions/remove-form-rule.js';
import { type RemoveOptionAction, removeOption } from '../actions/remove-option.js';
import { type RemoveRoleAction, removeRole } from '../actions/remove-role.js';
import { type RenameEntityAction, renameEntity } from '../actions/rename-entity.js';
import { type SetBranchConditionAction, setBranchCondition } from '../actions/set-branch-condition.js';
import { type SetEntityScoringAction, setEntityScoring } from '../actions/set-entity-scoring.js';
import { type SetFormRuleAction, setFormRule } from '../actions/set-form-rule.js';
import { type SetRoleGrantAction, setRoleGrant } from '../actions/set-role-grant.js';
import { type UpdateAppAction, updateApp } from '../actions/update-app.js';
import { type UpdateFieldAction, updateField } from '../actions/update-field.js';
import { type UpdateFlowMetaAction, updateFlowMeta } from '../actions/update-flow-meta.js';
import { type UpdateFlowNodeAction, updateFlowNode } from '../actions/update-flow-node.js';
import { type UpdateFormAction, updateForm } from '../actions/update-form.js';
import { type UpdateFormNodeAction, updateFormNode } from '../actions/update-form-node.js';
import { type UpdateOptionAction, updateOption } from '../actions/update-option.js';
import { type UpdateRoleAction, updateRole } from '../actions/update-role.js';
import type { ActionHandler, ActionResult } from '../core/action-types.js';

/** Every edit the designer makes, as a discriminated union on `type`. Each lives in `src/actions/<name>.ts`. */
export type DesignerAction =
  | AddBranchAction
  | AddEntityAction
  | AddFieldAction
  | AddFlowAction
  | AddFormAction
  | AddFormNodeAction
  | AddOptionAction
  | AddRoleAction
  | ChangeFieldTypeAction
  | DescribeEntityAction
  | InsertFlowNodeAction
  | MoveFieldAction
  | MoveFlowNodeAction
  | MoveFormNodeAction
  | MoveFormRuleAction
  | MoveOptionAction
  | RemoveBranchAction
  | RemoveEntityAction
  | RemoveFieldAction
  | RemoveFlowAction
  | RemoveFlowNodeAction
  | RemoveFormAction
  | RemoveFormNodesAction
  | RemoveFormRuleAction
  | RemoveOptionAction
  | RemoveRoleAction
  | RenameEntityAction
  | SetBranchConditionAction
  | SetEntityScoringAction
  | SetFormRuleAction
  | SetRoleGrantAction
  | UpdateAppAction
  | UpdateFieldAction
  | UpdateFlowMetaAction
  | UpdateFlowNodeAction
  | UpdateFormAction
  | UpdateFormNodeAction
  | UpdateOptionAction
  | UpdateRoleAction;

/** The `type` of a {@link DesignerAction}. */
export type DesignerActionType = DesignerAction['type'];

/** One handler per action type: an action without its handler does not compile. */
export const ACTION_HANDLERS: {
  readonly [K in DesignerActionType]: ActionHandler<Extract<DesignerAction, { type: K }>>;
} = {
  addBranch,
  addEntity,
  addField,
  addFlow,
  addForm,
  addFormNode,
  addOption,
  addRole,
  changeFieldType,
  describeEntity,
  insertFlowNode,
  moveField,
  moveFlowNode,
  moveFormNode,
  moveFormRule,
  moveOption,
  removeBranch,
  removeEntity,
  removeField,
  removeFlow,
  removeFlowNode,
  removeForm,
  removeFormNodes,
  removeFormRule,
  removeOption,
  removeRole,
  renameEntity,
  setBranchCondition,
  setEntityScoring,
  setFormRule,
  setRoleGrant,
  updateApp,
  updateField,
  updateFlowMeta,
  updateFlowNode,
  updateForm,
  updateFormNode,
  updateOption,
  updateRole,
};

/**
 * Applies one action to a document, purely: the new document (the same object for a no-op) and what to
 * select, or a refusal with its reason.
 * @example applyAction(doc, { type: 'addEntity', label: { 'zh-CN': '客户', en: 'Account' } })
 */
export function applyAction(doc: AppDocument, action: DesignerAction): ActionResult {
  const handler = ACTION_HANDLERS[action.type] as ActionHandler<DesignerAction> | undefined;
  if (!handler) throw new Error(`unknown designer action "${String((action as { type?: unknown }).type)}"`);
  return handler.apply(doc, action);
}
