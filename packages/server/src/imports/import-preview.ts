import type { Actor, ImportMappingStore, RecordGate, RecordRepository } from '@dougong/db';
import { recordPayloadIssues } from '@dougong/forms';
import type { EntityModel, Locale } from '@dougong/schema';
import { importMatcher } from './import-match.js';
import {
  type ImportPlan,
  isEmptyRow,
  type RejectedRow,
  resolveMapping,
  rowPayload,
} from './import-runner.js';
import {
  type ColumnSuggestion,
  headerFingerprint,
  importableFields,
  normalizeHeader,
  suggestColumns,
} from './import-suggest.js';

/** Data rows shown mapped in a preview by default, and at most. */
export const PREVIEW_ROWS = { default: 20, max: 100 } as const;
/** Data rows checked in a preview by default, and at most. */
export const CHECK_ROWS = { default: 1000, max: 10_000 } as const;

/** What a row would do if the file were imported. */
export type PreviewAction = 'create' | 'update' | 'skip' | 'reject';

/** The answer of `POST …/imports?dryRun=true`. */
export interface ImportPreview {
  dryRun: true;
  /** Data rows in the file (fully empty rows not counted). */
  total: number;
  fingerprint: string;
  columns: Array<{ index: number; header: string; samples: string[]; suggestion: ColumnSuggestion | null }>;
  suggestedMapping: Record<string, string>;
  rememberedMapping: { source: string | null; mapping: Record<string, string>; updatedAt: string } | null;
  /** The mapping the rows below were read with, and where it came from. */
  mapping: Record<string, string>;
  mappingFrom: 'given' | 'remembered' | 'suggested' | 'none';
  rows: Array<{
    row: number;
    values: Record<string, unknown>;
    action: PreviewAction;
    issues: RejectedRow['reasons'];
  }>;
  /** How many data rows were checked, and how many of them passed. */
  checked: number;
  valid: number;
  rejected: RejectedRow[];
}

/** Where remembered mappings of a source are kept: its name when given, else its header fingerprint. */
export const sourceKeys = (headers: readonly string[], source: string | undefined) => ({
  fingerprint: headerFingerprint(headers),
  named: source === undefined ? undefined : `n:${source.trim().toLowerCase()}`,
});

/** What a preview works with: the file, the caller and what they asked for. */
export interface PreviewInput {
  repo: RecordRepository;
  model: EntityModel;
  rows: string[][];
  gate: RecordGate;
  actor: Actor;
  mappings: ImportMappingStore;
  plan: Omit<ImportPlan, 'mapping'>;
  given: Record<string, string> | undefined;
  source: string | undefined;
  locale: Locale;
  previewRows: number;
  checkRows: number;
}

/**
 * A dry run of an import: detected columns with sample cells and suggested fields, the mapping
 * remembered for this source (by name, else by header fingerprint), and the first rows read with the
 * mapping given, else the remembered one, else the suggested one — values, what each row would do
 * (create, update or skip by the import's dedupe options, or reject) and why a row would be rejected
 * (cells that cannot be read, the record validator, the entity's form rules). Nothing is written; unique
 * values and references are only checked by the import itself.
 */
export async function previewImport(input: PreviewInput): Promise<ImportPreview> {
  const { repo, model, rows, gate, actor } = input;
  const header = rows[0] ?? [];
  const appKey = repo.app.document.key;
  const keys = sourceKeys(header, input.source);
  const suggestions = suggestColumns(model, header, gate);
  const suggestedMapping: Record<string, string> = {};
  suggestions.forEach((s, i) => {
    if (s) suggestedMapping[header[i]!] = s.field;
  });

  const stored =
    (keys.named ? await input.mappings.get(appKey, model.entity.id, keys.named) : undefined) ??
    (await input.mappings.get(appKey, model.entity.id, keys.fingerprint));
  const importable = new Map(importableFields(model, gate).map((f) => [f.id, f]));
  let remembered: ImportPreview['rememberedMapping'] = null;
  if (stored) {
    const mapping: Record<string, string> = {};
    const used = new Set<string>();
    // Headers compare as normalised: the same column spelled with other case, spaces or punctuation.
    const byName = new Map(header.map((h) => [normalizeHeader(h), h]));
    for (const [column, fieldId] of Object.entries(stored.mapping)) {
      const field = importable.get(fieldId);
      const present = byName.get(normalizeHeader(column));
      if (field && present !== undefined && !used.has(field.key) && !(present in mapping)) {
        mapping[present] = field.key;
        used.add(field.key);
      }
    }
    remembered = { source: stored.name, mapping, updatedAt: stored.updatedAt };
  }
  const [mapping, mappingFrom]: [Record<string, string>, ImportPreview['mappingFrom']] = input.given
    ? [input.given, 'given']
    : remembered && Object.keys(remembered.mapping).length > 0
      ? [remembered.mapping, 'remembered']
      : Object.keys(suggestedMapping).length > 0
        ? [suggestedMapping, 'suggested']
        : [{}, 'none'];
  const columns = mappingFrom === 'none' ? [] : resolveMapping(model, header, mapping, gate);
  const matcher = importMatcher(repo, model, input.plan.matchOn, columns, gate);

  const dataRows = rows.slice(1).filter((cells) => !isEmptyRow(cells));
  const preview: ImportPreview = {
    dryRun: true,
    total: dataRows.length,
    fingerprint: keys.fingerprint,
    columns: header.map((h, index) => ({
      index,
      header: h,
      samples: dataRows
        .map((cells) => cells[index] ?? '')
        .filter((c) => c.trim() !== '')
        .slice(0, 3),
      suggestion: suggestions[index] ?? null,
    })),
    suggestedMapping,
    rememberedMapping: remembered,
    mapping: Object.fromEntries(columns.map((c) => [header[c.column]!, c.field.key])),
    mappingFrom,
    rows: [],
    checked: 0,
    valid: 0,
    rejected: [],
  };
  const now = actor.now ?? new Date();
  const seen = new Set<string>();
  for (let i = 1; i < rows.length && preview.checked < input.checkRows; i += 1) {
    const cells = rows[i]!;
    if (isEmptyRow(cells)) continue;
    preview.checked += 1;
    const shown = preview.rows.length < input.previewRows;
    const { payload, reasons } = rowPayload(cells, columns);
    const key = matcher ? matcher.key(payload) : '';
    let action: PreviewAction = 'create';
    if (reasons.length === 0 && key !== '') {
      if (seen.has(key)) action = 'skip';
      else if (shown && (await matcher!.find(payload)))
        action = input.plan.dedupe === 'update' ? 'update' : 'skip';
      seen.add(key);
    }
    if (reasons.length === 0 && action !== 'skip')
      reasons.push(
        ...recordPayloadIssues(repo.app.document, model, payload, {
          now,
          timeZone: repo.app.timeZone,
          locale: input.locale,
          mode: action === 'update' ? 'update' : 'create',
          ...(actor.user ? { user: actor.user } : {}),
        }),
      );
    if (reasons.length > 0) {
      action = 'reject';
      preview.rejected.push({ row: i + 1, reasons });
    } else preview.valid += 1;
    if (shown) preview.rows.push({ row: i + 1, values: payload, action, issues: reasons });
  }
  return preview;
}
