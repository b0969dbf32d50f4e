import {
  type AppDocument,
  columnTypeOf,
  type Entity,
  type Field,
  labelFor,
  physicalNames,
} from '@dougong/schema';
import { desiredIndexes } from './index-plan.js';
import type { ColumnSpec, MigrationPlan, PlanStep, StepText } from './plan-types.js';

/** What the database keeps of earlier versions: archived tables and columns with their definitions. */
export interface ArchivedState {
  /** Archived entities by entity id. */
  tables: ReadonlyMap<string, Entity>;
  /**
   * Archived columns by `entityId/fieldId`: the column a field was most recently archived to (e.g.
   * `f_note__v5`) with the definition it had, so re-adding the field brings its values back.
   */
  columns: ReadonlyMap<string, { column: string; definition: Field }>;
}

/** An empty {@link ArchivedState}. */
export const NO_ARCHIVE: ArchivedState = { tables: new Map(), columns: new Map() };

// Changing only these properties never touches stored values.
const PRESENTATION_KEYS = new Set([
  'key',
  'label',
  'description',
  'help',
  'placeholder',
  'index',
  'patternMessage',
  'required',
]);

/**
 * Plans the migration from the published document (`from`, null for a new app) to `to`. Pure: the
 * executor checks the plan against live data and applies it in one transaction.
 *
 * @example
 * const plan = planMigration(published, draft, archived, 3);
 * plan.steps.map((s) => s.text.en); // ['Create table for Lead', 'Add column Mobile to Lead', …]
 */
export function planMigration(
  from: AppDocument | null,
  to: AppDocument,
  archived: ArchivedState,
  fromVersion: number,
): MigrationPlan {
  const steps: PlanStep[] = [];
  const schema = physicalNames.schema(to.key);
  if (!from) steps.push({ kind: 'createSchema', schema });
  const oldEntities = new Map((from?.entities ?? []).map((e) => [e.id, e]));
  const newEntities = new Map(to.entities.map((e) => [e.id, e]));
  const parentOf = new Map<string, string>();
  for (const entity of to.entities) {
    for (const field of entity.fields)
      if (field.type === 'subTable') parentOf.set(field.childEntity, entity.id);
  }
  // Parents before children, so a child table's parent exists when it is created.
  const ordered = [...to.entities].sort((a, b) => Number(a.kind === 'child') - Number(b.kind === 'child'));
  const indexSteps: PlanStep[] = [];
  // Columns archived and replaced by a new one: their indexes followed the rename and must be rebuilt.
  const replaced = new Set<string>();

  for (const entity of ordered) {
    const table = physicalNames.table(entity.id);
    let previous = oldEntities.get(entity.id);
    if (!previous && archived.tables.has(entity.id)) {
      previous = archived.tables.get(entity.id);
      steps.push({ kind: 'restoreTable', entityId: entity.id, table });
    }
    if (!previous) {
      const parent = parentOf.get(entity.id);
      steps.push({
        kind: 'createTable',
        entityId: entity.id,
        table,
        ...(parent ? { parentTable: physicalNames.table(parent) } : {}),
        columns: entity.fields.flatMap((f) => columnOf(f, to)),
      });
      for (const field of entity.fields) {
        if (field.type === 'formula') {
          steps.push({
            kind: 'recomputeFormula',
            entityId: entity.id,
            table,
            fieldId: field.id,
            column: physicalNames.column(field.id),
            field,
          });
        }
      }
    } else {
      const changes = fieldSteps(previous, entity, to, from ?? to, archived);
      steps.push(...changes);
      for (const column of replacedColumns(changes)) replaced.add(`${table}/${column}`);
      if (previous.key !== entity.key || JSON.stringify(previous.label) !== JSON.stringify(entity.label)) {
        steps.push({
          kind: 'metadataOnly',
          entityId: entity.id,
          change: previous.key !== entity.key ? 'rename' : 'label',
        });
      }
    }
    const before = previous ? desiredIndexes(from ?? to, previous) : new Map();
    const after = desiredIndexes(to, entity);
    for (const [name, index] of after) {
      const rebuild = before.has(name) && index.columns.some((c) => replaced.has(`${table}/${c.column}`));
      if (rebuild) indexSteps.push({ kind: 'dropIndex', name, table: index.table });
      if (!before.has(name) || rebuild) indexSteps.push({ kind: 'createIndex', index });
    }
    for (const [name, index] of before)
      if (!after.has(name)) indexSteps.push({ kind: 'dropIndex', name, table: index.table });
  }
  for (const entity of from?.entities ?? []) {
    if (!newEntities.has(entity.id)) {
      steps.push({
        kind: 'archiveTable',
        entityId: entity.id,
        table: physicalNames.table(entity.id),
        definition: entity,
      });
    }
  }
  // Drops first (they may free a name), then creations; formulas last so new columns exist.
  const drops = indexSteps.filter((s) => s.kind === 'dropIndex');
  const creates = indexSteps.filter((s) => s.kind === 'createIndex');
  const formulas = steps.filter((s) => s.kind === 'recomputeFormula');
  const rest = steps.filter((s) => s.kind !== 'recomputeFormula');
  const all = [...rest, ...drops, ...creates, ...formulas];
  return {
    appKey: to.key,
    fromVersion,
    toVersion: fromVersion + 1,
    steps: all.map((step) => ({ ...step, text: describeStep(step, from, to) })),
  };
}

function columnOf(field: Field, doc: AppDocument): ColumnSpec[] {
  const sqlType = columnTypeOf(field, doc);
  return sqlType === null ? [] : [{ fieldId: field.id, column: physicalNames.column(field.id), sqlType }];
}

function fieldSteps(
  previous: Entity,
  entity: Entity,
  to: AppDocument,
  from: AppDocument,
  archived: ArchivedState,
): PlanStep[] {
  const steps: PlanStep[] = [];
  const table = physicalNames.table(entity.id);
  const oldFields = new Map(previous.fields.map((f) => [f.id, f]));
  const newIds = new Set(entity.fields.map((f) => f.id));
  for (const field of entity.fields) {
    const column = physicalNames.column(field.id);
    const toType = columnTypeOf(field, to);
    let old = oldFields.get(field.id);
    if (!old) {
      const archivedColumn = archived.columns.get(`${entity.id}/${field.id}`);
      if (archivedColumn && toType !== null) {
        const archivedField = archivedColumn.definition;
        steps.push({
          kind: 'restoreColumn',
          entityId: entity.id,
          table,
          archivedColumn: archivedColumn.column,
          column: { fieldId: field.id, column, sqlType: columnTypeOf(archivedField, from) ?? toType },
        });
        old = archivedField;
      } else {
        if (toType !== null)
          steps.push({
            kind: 'addColumn',
            entityId: entity.id,
            table,
            column: { fieldId: field.id, column, sqlType: toType },
          });
        if (field.type === 'formula')
          steps.push({
            kind: 'recomputeFormula',
            entityId: entity.id,
            table,
            fieldId: field.id,
            column,
            field,
          });
        continue;
      }
    }
    const fromType = columnTypeOf(old, from);
    if (field.type === 'formula') {
      if (fromType !== toType) {
        steps.push({
          kind: 'archiveColumn',
          entityId: entity.id,
          table,
          fieldId: field.id,
          column,
          definition: old,
        });
        steps.push({
          kind: 'addColumn',
          entityId: entity.id,
          table,
          column: { fieldId: field.id, column, sqlType: toType ?? 'text' },
        });
      }
      if (fromType !== toType || JSON.stringify(old) !== JSON.stringify(field)) {
        steps.push({
          kind: 'recomputeFormula',
          entityId: entity.id,
          table,
          fieldId: field.id,
          column,
          field,
        });
      }
      continue;
    }
    if (valueAffectingChange(old, field)) {
      steps.push({
        kind: 'convertColumn',
        entityId: entity.id,
        table,
        fieldId: field.id,
        column,
        from: old,
        to: field,
        fromType: fromType ?? 'none',
        toType: toType ?? 'none',
      });
    } else if (JSON.stringify(old) !== JSON.stringify(field)) {
      steps.push({
        kind: 'metadataOnly',
        entityId: entity.id,
        fieldId: field.id,
        change: old.key !== field.key ? 'rename' : 'label',
      });
    }
  }
  for (const old of previous.fields) {
    if (newIds.has(old.id) || columnTypeOf(old, from) === null) continue;
    steps.push({
      kind: 'archiveColumn',
      entityId: entity.id,
      table,
      fieldId: old.id,
      column: physicalNames.column(old.id),
      definition: old,
    });
  }
  return steps;
}

/**
 * True when a conversion moves the old values to an archived column and fills a new one: whenever the
 * field type or the SQL type changes, so the values as entered are never lost.
 */
export function replacesColumn(step: Extract<PlanStep, { kind: 'convertColumn' }>): boolean {
  return step.fromType !== step.toType || step.from.type !== step.to.type;
}

function replacedColumns(steps: PlanStep[]): string[] {
  const archived = new Set(steps.flatMap((s) => (s.kind === 'archiveColumn' ? [s.column] : [])));
  return steps.flatMap((s) => {
    if (s.kind === 'convertColumn') return replacesColumn(s) ? [s.column] : [];
    return s.kind === 'addColumn' && archived.has(s.column.column) ? [s.column.column] : [];
  });
}

/** True when a field change can make stored values invalid or need converting. */
export function valueAffectingChange(old: Field, next: Field): boolean {
  if (old.type !== next.type) return true;
  const keys = new Set([...Object.keys(old), ...Object.keys(next)]);
  for (const key of keys) {
    if (PRESENTATION_KEYS.has(key)) continue;
    const a = (old as Record<string, unknown>)[key];
    const b = (next as Record<string, unknown>)[key];
    if (key === 'options') {
      // Adding options or relabelling them is harmless; removing one needs a check.
      const kept = new Set(((b ?? []) as Array<{ id: string }>).map((o) => o.id));
      if (((a ?? []) as Array<{ id: string }>).some((o) => !kept.has(o.id))) return true;
      continue;
    }
    if (key === 'default' || key === 'color') continue;
    if (JSON.stringify(a) !== JSON.stringify(b)) return true;
  }
  return false;
}

function entityName(doc: AppDocument | null, id: string, fallback?: Entity): { zh: string; en: string } {
  const entity = doc?.entities.find((e) => e.id === id) ?? fallback;
  return { zh: labelFor(entity?.label, 'zh-CN') || id, en: labelFor(entity?.label, 'en') || id };
}

function fieldName(
  doc: AppDocument | null,
  entityId: string,
  fieldId: string,
  fallback?: Field,
): { zh: string; en: string } {
  const field =
    doc?.entities.find((e) => e.id === entityId)?.fields.find((f) => f.id === fieldId) ?? fallback;
  return { zh: labelFor(field?.label, 'zh-CN') || fieldId, en: labelFor(field?.label, 'en') || fieldId };
}

/** Readable zh-CN and en text for a plan step. */
export function describeStep(step: PlanStep, from: AppDocument | null, to: AppDocument): StepText {
  switch (step.kind) {
    case 'createSchema':
      return { 'zh-CN': `创建应用存储 ${step.schema}`, en: `Create storage schema ${step.schema}` };
    case 'createTable': {
      const e = entityName(to, step.entityId);
      return {
        'zh-CN': `新建数据表「${e.zh}」（${step.columns.length} 个字段）`,
        en: `Create table for ${e.en} (${step.columns.length} columns)`,
      };
    }
    case 'restoreTable': {
      const e = entityName(to, step.entityId);
      return {
        'zh-CN': `恢复已归档的数据表「${e.zh}」及其数据`,
        en: `Restore archived table ${e.en} with its data`,
      };
    }
    case 'archiveTable': {
      const e = entityName(from, step.entityId, step.definition);
      return {
        'zh-CN': `归档数据表「${e.zh}」（数据保留并隐藏）`,
        en: `Archive table ${e.en} (data kept, hidden)`,
      };
    }
    case 'addColumn': {
      const e = entityName(to, step.entityId);
      const f = fieldName(to, step.entityId, step.column.fieldId);
      return { 'zh-CN': `在「${e.zh}」中新增字段「${f.zh}」`, en: `Add column ${f.en} to ${e.en}` };
    }
    case 'restoreColumn': {
      const e = entityName(to, step.entityId);
      const f = fieldName(to, step.entityId, step.column.fieldId);
      return {
        'zh-CN': `恢复「${e.zh}」中已归档的字段「${f.zh}」及其数据`,
        en: `Restore archived column ${f.en} of ${e.en} with its data`,
      };
    }
    case 'archiveColumn': {
      const e = entityName(from, step.entityId);
      const f = fieldName(from, step.entityId, step.fieldId, step.definition);
      return {
        'zh-CN': `归档「${e.zh}」中的字段「${f.zh}」（数据保留并隐藏）`,
        en: `Archive column ${f.en} of ${e.en} (data kept, hidden)`,
      };
    }
    case 'convertColumn': {
      const e = entityName(to, step.entityId);
      const f = fieldName(to, step.entityId, step.fieldId);
      return step.from.type === step.to.type
        ? {
            'zh-CN': `按新规则校验「${e.zh}」的字段「${f.zh}」的现有数据`,
            en: `Check existing ${f.en} values of ${e.en} against the new rules`,
          }
        : {
            'zh-CN': `将「${e.zh}」的字段「${f.zh}」从 ${step.from.type} 转换为 ${step.to.type}（先校验每条数据，原列归档保留）`,
            en: `Convert ${f.en} of ${e.en} from ${step.from.type} to ${step.to.type} (every value checked first; old column archived)`,
          };
    }
    case 'recomputeFormula': {
      const e = entityName(to, step.entityId);
      const f = fieldName(to, step.entityId, step.fieldId);
      return {
        'zh-CN': `重新计算「${e.zh}」的公式字段「${f.zh}」`,
        en: `Recompute formula ${f.en} of ${e.en}`,
      };
    }
    case 'createIndex':
      return step.index.unique
        ? {
            'zh-CN': `创建唯一索引 ${step.index.name}（先检查重复值）`,
            en: `Create unique index ${step.index.name} (duplicates checked first)`,
          }
        : { 'zh-CN': `创建索引 ${step.index.name}`, en: `Create index ${step.index.name}` };
    case 'dropIndex':
      return {
        'zh-CN': `删除不再需要的索引 ${step.name}（不影响数据）`,
        en: `Drop index ${step.name} (no data affected)`,
      };
    case 'metadataOnly': {
      const e = entityName(to, step.entityId);
      const what = step.fieldId ? fieldName(to, step.entityId, step.fieldId) : e;
      return step.change === 'rename'
        ? {
            'zh-CN': `重命名「${what.zh}」（仅元数据，数据不移动）`,
            en: `Rename ${what.en} (metadata only, no data moves)`,
          }
        : { 'zh-CN': `更新「${what.zh}」的显示设置`, en: `Update display settings of ${what.en}` };
    }
  }
}
