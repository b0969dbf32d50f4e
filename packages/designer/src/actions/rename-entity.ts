import type { AppDocument, Label } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi, cleanLabel } from '../core/bilingual.js';
import { patchObject, withEntity } from '../core/doc-edit.js';
import { ID_PATTERNS } from '../core/ids.js';

/**
 * Renames an entity: its label (zh-CN / en), plural label, and API key. The key must stay camelCase and
 * unique; it appears in URLs, so changing it changes the entity's API address (ids, tables and every
 * reference stay put).
 * @example { type: 'renameEntity', entityId: 'account', label: { 'zh-CN': '客户', en: 'Customer' } }
 */
export interface RenameEntityAction {
  readonly type: 'renameEntity';
  readonly entityId: string;
  readonly label?: Label;
  /** `null` removes the plural label. */
  readonly pluralLabel?: Label | null;
  readonly key?: string;
}

/** Applies {@link RenameEntityAction}. */
export function applyRenameEntity(doc: AppDocument, action: RenameEntityAction): ActionResult {
  const entity = doc.entities.find((e) => e.id === action.entityId);
  if (!entity) return missing.entity(action.entityId);
  if (action.key !== undefined && action.key !== entity.key) {
    if (!ID_PATTERNS.key.test(action.key))
      return refuse(
        'invalid_key',
        `实体键 "${action.key}" 无效`,
        `Entity key "${action.key}" is invalid (camelCase)`,
      );
    if (doc.entities.some((e) => e.key === action.key))
      return refuse('duplicate_key', `实体键 "${action.key}" 已存在`, `Entity key "${action.key}" is taken`);
  }
  const next = withEntity(doc, action.entityId, (e) =>
    patchObject(e, {
      key: action.key,
      label: action.label && cleanLabel(action.label),
      pluralLabel: action.pluralLabel && cleanLabel(action.pluralLabel),
    }),
  )!;
  return done(next, { kind: 'entity', entityId: action.entityId });
}

/** The `renameEntity` handler; typing into one property merges into one undo step. */
export const renameEntity: ActionHandler<RenameEntityAction> = {
  label: bi('重命名实体', 'Rename entity'),
  apply: applyRenameEntity,
  coalesceKey: (a) =>
    `renameEntity:${a.entityId}:${['label', 'pluralLabel', 'key'].filter((k) => k in a && a[k as keyof typeof a] !== undefined).join(',')}`,
};
