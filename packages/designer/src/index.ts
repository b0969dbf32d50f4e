// @dougong/designer — the app designer's core, pure and UI-free: the metadata document plus a selection as
// state, every edit an action applied by a pure reducer with undo / redo, drag-and-drop resolved into
// actions, the rule builder, the flow canvas and variables. The check against the server's validators
// lives in `@dougong/designer/check`.

export { type AddBranchAction, applyAddBranch } from './actions/add-branch.js';
export { type AddEntityAction, applyAddEntity, newEntityIdentity } from './actions/add-entity.js';
export { type AddFieldAction, applyAddField, newFieldIdentity } from './actions/add-field.js';
export { type AddFlowAction, applyAddFlow } from './actions/add-flow.js';
export {
  type AddFormAction,
  applyAddForm,
  FORM_KIND_LABELS,
  PUBLIC_FORM_THANKS,
} from './actions/add-form.js';
export { type AddFormNodeAction, applyAddFormNode } from './actions/add-form-node.js';
export { type AddOptionAction, applyAddOption } from './actions/add-option.js';
export { type AddRoleAction, applyAddRole } from './actions/add-role.js';
export { applyChangeFieldType, type ChangeFieldTypeAction } from './actions/change-field-type.js';
export { applyDescribeEntity, type DescribeEntityAction } from './actions/describe-entity.js';
export {
  applyInsertFlowNode,
  type InsertableKind,
  type InsertFlowNodeAction,
  type NewFlowNode,
} from './actions/insert-flow-node.js';
export { applyMoveField, type MoveFieldAction } from './actions/move-field.js';
export { applyMoveFlowNode, type MoveFlowNodeAction } from './actions/move-flow-node.js';
export { applyMoveFormNode, type MoveFormNodeAction } from './actions/move-form-node.js';
export { applyMoveFormRule, type MoveFormRuleAction } from './actions/move-form-rule.js';
export { applyMoveOption, type MoveOptionAction } from './actions/move-option.js';
export { applyRemoveBranch, type RemoveBranchAction } from './actions/remove-branch.js';
export { applyRemoveEntity, type RemoveEntityAction } from './actions/remove-entity.js';
export { applyRemoveField, type RemoveFieldAction } from './actions/remove-field.js';
export { applyRemoveFlow, type RemoveFlowAction } from './actions/remove-flow.js';
export { applyRemoveFlowNode, type RemoveFlowNodeAction } from './actions/remove-flow-node.js';
export { applyRemoveForm, type RemoveFormAction } from './actions/remove-form.js';
export { applyRemoveFormNodes, type RemoveFormNodesAction } from './actions/remove-form-nodes.js';
export { applyRemoveFormRule, type RemoveFormRuleAction } from './actions/remove-form-rule.js';
export { applyRemoveOption, type RemoveOptionAction } from './actions/remove-option.js';
export { applyRemoveRole, type RemoveRoleAction } from './actions/remove-role.js';
export { applyRenameEntity, type RenameEntityAction } from './actions/rename-entity.js';
export { applySetBranchCondition, type SetBranchConditionAction } from './actions/set-branch-condition.js';
export { applySetEntityScoring, type SetEntityScoringAction } from './actions/set-entity-scoring.js';
export { applySetFormRule, type SetFormRuleAction } from './actions/set-form-rule.js';
export { applySetRoleGrant, type SetRoleGrantAction } from './actions/set-role-grant.js';
export { applyUpdateApp, type UpdateAppAction } from './actions/update-app.js';
export { applyUpdateField, type UpdateFieldAction } from './actions/update-field.js';
export { applyUpdateFlowMeta, type UpdateFlowMetaAction } from './actions/update-flow-meta.js';
export { applyUpdateFlowNode, type UpdateFlowNodeAction } from './actions/update-flow-node.js';
export { applyUpdateForm, type UpdateFormAction } from './actions/update-form.js';
export {
  applyUpdateFormNode,
  type FormNodePatch,
  type UpdateFormNodeAction,
} from './actions/update-form-node.js';
export { applyUpdateOption, type UpdateOptionAction } from './actions/update-option.js';
export { applyUpdateRole, type UpdateRoleAction } from './actions/update-role.js';
export { type FlowWarning, flowWarnings } from './check/flow-lint.js';
export { type IssueTarget, issueTarget } from './check/issue-target.js';
export type { ActionHandler, ActionResult, Refusal, RefusalCode } from './core/action-types.js';
export type { Bilingual } from './core/bilingual.js';
export type { ListTarget } from './core/doc-edit.js';
export {
  type CanvasSlot,
  type FlowCanvas,
  type FlowCanvasBranch,
  type FlowCanvasItem,
  flowCanvas,
  slotLabel,
} from './flow/flow-canvas.js';
export { type FlowDragItem, flowPalette, resolveFlowDrop } from './flow/flow-drop.js';
export { edgeTarget, type FlowEdge } from './flow/flow-graph.js';
export {
  defaultTrigger,
  FLOW_NODE_KINDS,
  FLOW_TRIGGER_KINDS,
  type FlowNodeKindInfo,
  flowNodeProps,
  nodeLabel,
} from './flow/flow-node-kinds.js';
export { type FlowSlot, type SlotTarget, slotsOf } from './flow/flow-slots.js';
export {
  type FlowVariable,
  flattenVariables,
  flowRuleFields,
  flowVariables,
  isKnownVariable,
  nodeOutputs,
  VARIABLE_ROOTS,
  type VariableType,
  variableExpression,
  variableTemplate,
} from './flow/flow-variables.js';
export {
  DROP_ANNOUNCEMENTS,
  type DropResolution,
  type FormDragItem,
  type FormDropOver,
  formPalette,
  keyboardFormMove,
  type PaletteField,
  resolveFormDrop,
} from './form/form-drop.js';
export { FORM_BLOCKS, type FormBlock, type NewFormNode } from './form/form-nodes.js';
export type { FormNodeTarget } from './form/form-targets.js';
export { type FormTab, type ItemLocation, isTab, type LayoutItem, locate } from './form/layout-tree.js';
export type { FieldPatch } from './model/field-props.js';
export { renameFieldKey } from './model/field-rename.js';
export {
  DEFAULT_AUTO_NUMBER_PATTERN,
  DESIGNER_FIELD_TYPES,
  FIELD_TYPE_GROUPS,
  FIELD_TYPE_LABELS,
  fieldProps,
  OPTION_COLORS,
} from './model/field-types.js';
export {
  blockingUsages,
  type Usage,
  whereEntityIsUsed,
  whereFieldIsUsed,
  whereOptionIsUsed,
} from './model/usages.js';
export {
  type RuleField,
  type RuleValueType,
  ruleFieldOf,
  ruleFieldsForEntity,
  ruleValueType,
  SYSTEM_RULE_FIELDS,
} from './rule-builder/rule-fields.js';
export {
  conditionToJsonLogic,
  type ParsedRule,
  ruleFromJsonLogic,
  ruleNodeAtPath,
  ruleToJsonLogic,
  ruleToJsonLogicWithPaths,
} from './rule-builder/rule-jsonlogic.js';
export {
  OPERATORS_BY_TYPE,
  type OperatorValue,
  operatorsFor,
  RULE_OPERATORS,
  type RuleBuilderContext,
  type RuleOperator,
} from './rule-builder/rule-operators.js';
export {
  addCondition,
  addGroup,
  defaultOperatorValue,
  emptyRule,
  findRuleNode,
  type RuleCondition,
  type RuleGroup,
  type RuleNode,
  type RuleTreeIssue,
  removeRuleNode,
  ruleNodes,
  ruleTreeIssues,
  updateCondition,
  updateGroup,
} from './rule-builder/rule-tree.js';
export {
  ACTION_HANDLERS,
  applyAction,
  type DesignerAction,
  type DesignerActionType,
} from './state/action-registry.js';
export {
  canRedo,
  canUndo,
  createDesignerState,
  DEFAULT_HISTORY_LIMIT,
  type DesignerCommand,
  type DesignerMessage,
  type DesignerState,
  designerReducer,
  dispatch,
  type HistoryStep,
  redo,
  redoLabel,
  seal,
  select,
  undo,
  undoLabel,
} from './state/designer-state.js';
export { normalizeSelection, type Selection } from './state/selection.js';
