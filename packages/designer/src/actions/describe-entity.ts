import type { AppDocument, SortKey, Text } from '@dougong/schema';
import { isSortable, SYSTEM_KEYS } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi, cleanLabel } from '../core/bilingual.js';
import { patchObject, withEntity } from '../core/doc-edit.js';

/**
 * Sets an entity's description, icon, title field, default list order and search fields (`null` removes a
 * setting). Field ids must belong to the entity; sort keys may also be system keys such as `createdAt`.
 * @example { type: 'describeEntity', entityId: 'lead', titleField: 'name', searchFields: ['name', 'company'] }
 */
export interface DescribeEntityAction {
  readonly type: 'describeEntity';
  readonly entityId: string;
  readonly description?: Text | null;
  readonly icon?: string | null;
  readonly titleField?: string | null;
  readonly defaultSort?: readonly SortKey[] | null;
  readonly searchFields?: readonly string[] | null;
}

/** Applies {@link DescribeEntityAction}. */
export function applyDescribeEntity(doc: AppDocument, action: DescribeEntityAction): ActionResult {
  const entity = doc.entities.find((e) => e.id === action.entityId);
  if (!entity) return missing.entity(action.entityId);
  const fieldIds = new Set(entity.fields.map((f) => f.id));
  const unknown = [
    ...(action.titleField ? [action.titleField] : []),
    ...(action.searchFields ?? []),
    ...(action.defaultSort ?? [])
      .map((k) => k.field)
      .filter((f) => !(SYSTEM_KEYS as readonly string[]).includes(f)),
  ].filter((id) => !fieldIds.has(id));
  if (unknown.length > 0) return missing.field(unknown[0]!);
  for (const key of action.defaultSort ?? []) {
    const field = entity.fields.find((f) => f.id === key.field);
    if (field && !isSortable(field))
      return refuse('invalid_value', `不能按字段 "${field.key}" 排序`, `Lists cannot sort on "${field.key}"`);
  }
  const next = withEntity(doc, action.entityId, (e) =>
    patchObject(e, {
      description: action.description && cleanLabel(action.description),
      icon: action.icon === '' ? null : action.icon,
      titleField: action.titleField,
      defaultSort: action.defaultSort?.length === 0 ? null : action.defaultSort,
      searchFields: action.searchFields?.length === 0 ? null : action.searchFields,
    }),
  )!;
  return done(next, { kind: 'entity', entityId: action.entityId });
}

/** The `describeEntity` handler; typing the description or icon merges into one undo step. */
export const describeEntity: ActionHandler<DescribeEntityAction> = {
  label: bi('设置实体', 'Entity settings'),
  apply: applyDescribeEntity,
  coalesceKey: (a) => {
    const keys = Object.keys(a).filter((k) => k !== 'type' && k !== 'entityId');
    return keys.every((k) => k === 'description' || k === 'icon')
      ? `describeEntity:${a.entityId}:${keys.sort().join(',')}`
      : undefined;
  },
};
