/** What one side changed relative to the base: an item or property added, changed, removed or moved. */
export type MergeChangeKind = 'added' | 'changed' | 'removed' | 'moved';

/**
 * One change carried into the merged document, at a JSON Pointer built from stable ids
 * (`/entities/lead/fields/company/label/zh-CN`, `/forms/lead_full/layout/f-title`).
 */
export interface MergeEntry {
  path: string;
  kind: MergeChangeKind;
}

/** Why a change of the template was not (fully) applied. */
export type MergeConflictReason =
  /** Both changed the same property or item differently: the customer's value is kept. */
  | 'bothChanged'
  /** Both added an item with the same id but different content: the customer's is kept. */
  | 'bothAdded'
  /** The template changed an item the customer deleted: it stays deleted. */
  | 'deletedByCustomer'
  /** The template removed an item the customer changed: the customer's item is kept. */
  | 'changedByCustomer'
  /** A form node's container is gone: the node moved to the nearest remaining container (or dropped). */
  | 'containerRemoved'
  /** A form node shows a field one side removed while the other kept or moved the node: it is dropped. */
  | 'fieldMissing'
  /** Moves by both sides would nest a form node inside itself: the customer's placement is used. */
  | 'cycle';

/** A template change the customer's version overrides, with both values (absent = deleted). */
export interface MergeConflict {
  path: string;
  reason: MergeConflictReason;
  customer?: unknown;
  template?: unknown;
}

/**
 * What a three-way merge did: the template's changes it applied, the customer's changes (overlays) it
 * kept, and the conflicts, where the customer's version won.
 */
export interface MergeReport {
  template: MergeEntry[];
  customer: MergeEntry[];
  conflicts: MergeConflict[];
}

/** Collects a {@link MergeReport} while a merge runs. */
export class MergeRecorder {
  readonly report: MergeReport = { template: [], customer: [], conflicts: [] };

  /** A change of the template carried into the result. */
  template(path: string, kind: MergeChangeKind): void {
    this.report.template.push({ path, kind });
  }

  /** A change of the customer kept in the result. */
  customer(path: string, kind: MergeChangeKind): void {
    this.report.customer.push({ path, kind });
  }

  /** A conflict; `customer` / `template` are the two sides' values (undefined = absent). */
  conflict(path: string, reason: MergeConflictReason, customer: unknown, template: unknown): void {
    this.report.conflicts.push({
      path,
      reason,
      ...(customer !== undefined ? { customer } : {}),
      ...(template !== undefined ? { template } : {}),
    });
  }
}

/** The kind of change from `before` to `after` (undefined = absent). */
export function changeKind(before: unknown, after: unknown): MergeChangeKind {
  if (before === undefined) return 'added';
  if (after === undefined) return 'removed';
  return 'changed';
}
