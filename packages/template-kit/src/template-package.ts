import {
  type AppDocument,
  AppKeySchema,
  createAjv,
  DougongError,
  issuesFromAjv,
  type ValidationIssue,
  validateAppDocument,
} from '@dougong/schema';
import { type Static, Type } from '@sinclair/typebox';
import type { DemoDataGenerator } from './demo-data.js';
import { SEMVER_PATTERN } from './semver.js';

const Names = Type.Object(
  {
    'zh-CN': Type.String({ minLength: 1, maxLength: 200 }),
    en: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

/**
 * The manifest of a template package: what it is and the app it installs. The document's own `key`
 * is the app key it installs as by default, and its `template` names this id and version.
 * @example { "id": "dougong.sales", "version": "0.2.0", "name": { "zh-CN": "销售管理", "en": "Sales" },
 *            "description": { … }, "appKey": "sales", "document": { "schemaVersion": 1, "key": "sales", … } }
 */
export const TemplateManifestSchema = Type.Object(
  {
    /** Stable id, dotted lower case (`vendor.name`); never changes between versions. */
    id: Type.String({ pattern: '^[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)*$', maxLength: 100 }),
    /** Semantic version; every change of the document needs a new one. */
    version: Type.String({ pattern: SEMVER_PATTERN, maxLength: 40 }),
    name: Names,
    description: Type.Object(
      {
        'zh-CN': Type.String({ minLength: 1, maxLength: 2000 }),
        en: Type.String({ minLength: 1, maxLength: 2000 }),
      },
      { additionalProperties: false },
    ),
    /** The app key it installs as unless the installer is given another. */
    appKey: AppKeySchema,
    /** The app document: entities, fields, forms, roles, flows (validated as any app document). */
    document: Type.Unknown(),
  },
  { additionalProperties: false },
);

/** A template package: its manifest and, optionally, a demo-data generator. */
export type TemplatePackage = Omit<Static<typeof TemplateManifestSchema>, 'document'> & {
  document: AppDocument;
  /** Generates realistic sample records for an app installed from this template. */
  demoData?: DemoDataGenerator;
};

let validateManifest: ReturnType<ReturnType<typeof createAjv>['compile']> | undefined;

/**
 * Checks a template package: the manifest against {@link TemplateManifestSchema}, the document as an
 * app document (issues under `/document`), its key equal to `appKey` and its `template` naming this
 * id and version.
 */
export function validateTemplatePackage(
  input: unknown,
): { ok: true; value: TemplatePackage } | { ok: false; issues: ValidationIssue[] } {
  validateManifest ??= createAjv().compile(TemplateManifestSchema);
  const { demoData, ...manifest } = (input ?? {}) as Record<string, unknown>;
  if (!validateManifest(manifest)) return { ok: false, issues: issuesFromAjv(validateManifest.errors) };
  const pkg = manifest as unknown as TemplatePackage;
  const doc = validateAppDocument(pkg.document);
  if (!doc.ok) return { ok: false, issues: doc.issues.map((i) => ({ ...i, path: `/document${i.path}` })) };
  const issues: ValidationIssue[] = [];
  if (doc.document.key !== pkg.appKey)
    issues.push({ path: '/document/key', message: `must equal appKey ("${pkg.appKey}")` });
  if (doc.document.template?.id !== pkg.id || doc.document.template.version !== pkg.version)
    issues.push({
      path: '/document/template',
      message: `must be { "id": "${pkg.id}", "version": "${pkg.version}" }`,
    });
  if (demoData !== undefined && (typeof demoData !== 'object' || demoData === null))
    issues.push({ path: '/demoData', message: 'must be a demo-data generator' });
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { ...pkg, ...(demoData ? { demoData: demoData as DemoDataGenerator } : {}) } };
}

/**
 * The document a package installs as `appKey`: a copy with that key and the package's template id and
 * version.
 */
export function templateDocumentFor(pkg: TemplatePackage, appKey: string = pkg.appKey): AppDocument {
  return { ...structuredClone(pkg.document), key: appKey, template: { id: pkg.id, version: pkg.version } };
}

/** Bundled template packages by id; lookups also accept the last segment of an id (`sales`). */
export interface TemplateRegistry {
  list(): readonly TemplatePackage[];
  /** The package with this id (or unique short name); undefined when unknown or ambiguous. */
  find(idOrName: string): TemplatePackage | undefined;
}

/**
 * Builds a registry, validating every package; an invalid package or a repeated id throws.
 * @example const registry = createTemplateRegistry([SALES_PACKAGE]); registry.find('sales')
 */
export function createTemplateRegistry(packages: readonly TemplatePackage[]): TemplateRegistry {
  const byId = new Map<string, TemplatePackage>();
  for (const [i, input] of packages.entries()) {
    const checked = validateTemplatePackage(input);
    if (!checked.ok)
      throw new DougongError('VALIDATION_FAILED', `Template package ${i} is invalid.`, checked.issues);
    if (byId.has(checked.value.id))
      throw new DougongError('CONFLICT', `Template "${checked.value.id}" is registered twice.`);
    byId.set(checked.value.id, checked.value);
  }
  const all = [...byId.values()];
  return {
    list: () => all,
    find(idOrName) {
      const exact = byId.get(idOrName);
      if (exact) return exact;
      const short = all.filter((p) => p.id.split('.').pop() === idOrName);
      return short.length === 1 ? short[0] : undefined;
    },
  };
}
