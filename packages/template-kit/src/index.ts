export type {
  DemoDataGenerator,
  DemoDataOptions,
  DemoDepartment,
  DemoOrganisation,
  DemoRecord,
  DemoUser,
} from './demo-data.js';
export { mergeTemplateUpgrade, type TemplateMerge, templateOverlays } from './document-merge.js';
export type {
  MergeChangeKind,
  MergeConflict,
  MergeConflictReason,
  MergeEntry,
  MergeReport,
} from './merge-report.js';
export { sameJson } from './same-json.js';
export { hashSeed, type SeededRandom, seeded } from './seeded-random.js';
export { compareSemver, parseSemver, SEMVER_PATTERN, type Semver } from './semver.js';
export {
  createTemplateRegistry,
  TemplateManifestSchema,
  type TemplatePackage,
  type TemplateRegistry,
  templateDocumentFor,
  validateTemplatePackage,
} from './template-package.js';
