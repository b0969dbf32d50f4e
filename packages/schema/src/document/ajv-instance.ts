import AjvModule, { type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ValidationIssue } from './validation-error.js';

// ajv and ajv-formats are CommonJS; their default export is the constructor / plugin.
const Ajv = AjvModule.default ?? AjvModule;
const addFormats = addFormatsModule.default ?? addFormatsModule;

/**
 * The one ajv configuration used for metadata and payloads: no type coercion, no removal of unknown
 * properties, all errors reported, discriminated unions resolved by their `type` property.
 */
export function createAjv() {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    discriminator: true,
    strict: true,
    coerceTypes: false,
    removeAdditional: false,
    useDefaults: false,
  });
  addFormats(ajv);
  return ajv;
}

/** Converts ajv errors to {@link ValidationIssue}s, naming the offending property for unknown keys. */
export function issuesFromAjv(errors: ErrorObject[] | null | undefined, basePath = ''): ValidationIssue[] {
  if (!errors) return [];
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const error of errors) {
    let path = basePath + error.instancePath;
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'additionalProperties') {
      const prop = String((error.params as { additionalProperty: string }).additionalProperty);
      path += `/${prop.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      message = 'is not a known property';
    } else if (error.keyword === 'required') {
      const prop = String((error.params as { missingProperty: string }).missingProperty);
      path += `/${prop}`;
      message = 'is required';
    } else if (error.keyword === 'discriminator') {
      const params = error.params as { tag: string; tagValue: unknown };
      path += `/${params.tag}`;
      const schema = error.parentSchema as
        | { oneOf?: Array<{ properties?: Record<string, { const?: unknown }> }> }
        | undefined;
      const allowed = (schema?.oneOf ?? [])
        .map((s) => s.properties?.[params.tag]?.const)
        .filter((v) => v !== undefined);
      message =
        allowed.length > 0
          ? `must be one of: ${allowed.join(', ')}`
          : `has an unknown value ${JSON.stringify(params.tagValue)}`;
    } else if (error.keyword === 'enum' || error.keyword === 'const') {
      const allowed = (error.params as { allowedValues?: unknown[]; allowedValue?: unknown })
        .allowedValues ?? [(error.params as { allowedValue?: unknown }).allowedValue];
      message = `must be one of: ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ path, message });
  }
  return issues;
}
