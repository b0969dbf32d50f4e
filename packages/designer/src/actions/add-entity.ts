import type { AppDocument, Entity, Label } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, refuse } from '../core/action-types.js';
import { bi, cleanLabel } from '../core/bilingual.js';
import { insertAt } from '../core/doc-edit.js';
import { ID_PATTERNS, keyFrom, snakeFrom, unique } from '../core/ids.js';

/**
 * Adds a standard entity, starting with a required text field `name` as its title. Without `entityId` /
 * `key` they are made from the English label (else `entity`, numbered). Child entities (sub-table rows)
 * are made by adding a sub-table field.
 * @example { type: 'addEntity', label: { 'zh-CN': '客户', en: 'Account' } } // id "account", key "account"
 */
export interface AddEntityAction {
  readonly type: 'addEntity';
  readonly label: Label;
  readonly entityId?: string;
  readonly key?: string;
  readonly pluralLabel?: Label;
  /** Position in the entity list (default: last). */
  readonly index?: number;
}

/** The id and key a new entity gets for a label (unique in the document). */
export function newEntityIdentity(doc: AppDocument, label: Label | undefined): { id: string; key: string } {
  const key = unique(keyFrom(label, 'entity'), new Set(doc.entities.map((e) => e.key)), 63);
  const id = unique(snakeFrom(key), new Set(doc.entities.map((e) => e.id)), 40, '_');
  return { id, key };
}

/** Applies {@link AddEntityAction}. */
export function applyAddEntity(doc: AppDocument, action: AddEntityAction): ActionResult {
  const made = newEntityIdentity(doc, action.label);
  const id = action.entityId ?? made.id;
  const key = action.key ?? made.key;
  if (!ID_PATTERNS.stable.test(id))
    return refuse('invalid_id', `实体 id "${id}" 无效`, `Entity id "${id}" is invalid (a-z, 0-9, _)`);
  if (!ID_PATTERNS.key.test(key))
    return refuse('invalid_key', `实体键 "${key}" 无效`, `Entity key "${key}" is invalid (camelCase)`);
  if (doc.entities.some((e) => e.id === id))
    return refuse('duplicate_id', `实体 id "${id}" 已存在`, `Entity id "${id}" is taken`);
  if (doc.entities.some((e) => e.key === key))
    return refuse('duplicate_key', `实体键 "${key}" 已存在`, `Entity key "${key}" is taken`);
  const entity: Entity = {
    id,
    key,
    label: cleanLabel(action.label),
    ...(action.pluralLabel ? { pluralLabel: cleanLabel(action.pluralLabel) } : {}),
    titleField: 'name',
    fields: [{ id: 'name', key: 'name', label: bi('名称', 'Name'), type: 'text', required: true }],
  };
  return done(
    { ...doc, entities: insertAt(doc.entities, action.index ?? doc.entities.length, entity) },
    { kind: 'entity', entityId: id },
  );
}

/** The `addEntity` handler. */
export const addEntity: ActionHandler<AddEntityAction> = {
  label: bi('新增实体', 'Add entity'),
  apply: applyAddEntity,
};
