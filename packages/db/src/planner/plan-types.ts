import type { Entity, Field } from '@dougong/schema';

/** A column the planner creates. */
export interface ColumnSpec {
  fieldId: string;
  column: string;
  sqlType: string;
}

/** An index the planner keeps in step with metadata. */
export interface IndexSpec {
  name: string;
  table: string;
  columns: Array<{ column: string; desc: boolean }>;
  unique: boolean;
  /** Only rows not soft-deleted are indexed (the list API always filters them out). */
  liveRowsOnly: boolean;
  /** The field a unique index belongs to (for duplicate checks and messages). */
  fieldId?: string;
}

/**
 * One step of a migration plan. Plain data: the executor performs it, the designer shows it.
 * No step drops data; fields and entities removed from metadata are archived (kept and hidden).
 */
export type PlanStep =
  | { kind: 'createSchema'; schema: string }
  | { kind: 'createTable'; entityId: string; table: string; parentTable?: string; columns: ColumnSpec[] }
  | { kind: 'restoreTable'; entityId: string; table: string }
  | { kind: 'archiveTable'; entityId: string; table: string; definition: Entity }
  | { kind: 'addColumn'; entityId: string; table: string; column: ColumnSpec }
  | {
      kind: 'restoreColumn';
      entityId: string;
      table: string;
      /** The archived column (`f_<id>__v<n>`) renamed back to `column.column`. */
      archivedColumn: string;
      column: ColumnSpec;
    }
  | {
      kind: 'archiveColumn';
      entityId: string;
      table: string;
      fieldId: string;
      column: string;
      definition: Field;
    }
  | {
      kind: 'convertColumn';
      entityId: string;
      table: string;
      fieldId: string;
      column: string;
      from: Field;
      to: Field;
      fromType: string;
      toType: string;
    }
  | {
      kind: 'recomputeFormula';
      entityId: string;
      table: string;
      fieldId: string;
      column: string;
      field: Field;
    }
  | { kind: 'createIndex'; index: IndexSpec }
  | { kind: 'dropIndex'; name: string; table: string }
  | {
      kind: 'metadataOnly';
      entityId: string;
      fieldId?: string;
      change: 'rename' | 'label' | 'options' | 'other';
    };

/** A kind of plan step. */
export type PlanStepKind = PlanStep['kind'];

/** Human-readable text of a step in both UI languages. */
export interface StepText {
  'zh-CN': string;
  en: string;
}

/** A migration plan: ordered steps, each with readable text. */
export interface MigrationPlan {
  appKey: string;
  fromVersion: number;
  toVersion: number;
  steps: Array<PlanStep & { text: StepText }>;
}

/** What checking a step against live data found. */
export interface StepCheck {
  step: number;
  /** Blocking checks stop publishing; others are warnings. */
  blocking: boolean;
  message: StepText;
  /** How many records fail, and which (up to 50 ids). */
  failing: number;
  recordIds: string[];
  /** Per-record reasons for conversions, up to 50. */
  samples?: Array<{ id: string; value: unknown; reason: string }>;
}
