import { CURRENT_SCHEMA_VERSION } from './app-document-schema.js';

/**
 * Upgrade steps, in order: `UPGRADES[n]` turns a version-n document into version n+1.
 * Version 1 is the first format, so the list starts empty; append, never edit, a step.
 */
export const UPGRADES: ReadonlyArray<(doc: Record<string, unknown>) => Record<string, unknown>> = [];

/**
 * Brings a stored or imported document up to {@link CURRENT_SCHEMA_VERSION}. Documents without a version or
 * from a newer release are returned unchanged, so the validator reports them.
 */
export function upgradeDocument(input: unknown): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  let doc = input as Record<string, unknown>;
  let version = doc.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return input;
  while (version < CURRENT_SCHEMA_VERSION) {
    const step = UPGRADES[version - 1];
    if (!step) break;
    doc = { ...step(doc), schemaVersion: version + 1 };
    version += 1;
  }
  return doc;
}
