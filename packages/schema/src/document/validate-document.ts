import { columnTypeOf } from '../fields/field-types.js';
import { isSortable } from '../fields/sortable.js';
import { isValidTimeZone } from '../values/date-value.js';
import { checkRegexSafety } from '../values/regex-safety.js';
import { checkPayloadSafety } from '../values/text-safety.js';
import { createAjv, issuesFromAjv } from './ajv-instance.js';
import { type AppDocument, AppDocumentSchema } from './app-document-schema.js';
import { parseAutoNumberPattern } from './auto-number-pattern.js';
import { captureHookIssues } from './capture-hook-semantics.js';
import type { Entity } from './entity-schema.js';
import { entityRuleIssues } from './entity-semantics.js';
import type { Field } from './field-schema.js';
import { formIssues } from './form-semantics.js';
import { SYSTEM_KEYS } from './ids.js';
import { recordWorkflowIssues } from './record-workflow-semantics.js';
import { pointer, type ValidationIssue } from './validation-error.js';

const ajv = createAjv();
// Compiled once at start-up; every save runs the same validator.
const validateShape = ajv.compile<AppDocument>(AppDocumentSchema);

/** Result of {@link validateAppDocument}. */
export type DocumentValidation =
  | { ok: true; document: AppDocument }
  | { ok: false; issues: ValidationIssue[] };

/**
 * Validates a metadata document: its JSON Schema first, then the rules a schema cannot express (unique ids
 * and keys, references to existing entities and fields, safe patterns, valid time zone …).
 * Every issue carries a JSON Pointer into the document. `allow` may accept semantic issues of a
 * well-shaped document (a draft keeps references to what it archives until publishing, see `fieldUsages`).
 */
export function validateAppDocument(
  input: unknown,
  options: { allow?: (issue: ValidationIssue, document: AppDocument) => boolean } = {},
): DocumentValidation {
  const safety = checkPayloadSafety(input);
  if (safety.length > 0) return { ok: false, issues: safety };
  if (!validateShape(input)) return { ok: false, issues: issuesFromAjv(validateShape.errors) };
  const allow = options.allow;
  const issues = semanticIssues(input).filter((issue) => !allow?.(issue, input));
  return issues.length > 0 ? { ok: false, issues } : { ok: true, document: input };
}

function semanticIssues(doc: AppDocument): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  if (doc.timeZone && !isValidTimeZone(doc.timeZone)) add('/timeZone', 'is not a known IANA time zone');

  const entityIds = new Map<string, Entity>();
  const entityKeys = new Set<string>();
  doc.entities.forEach((entity, e) => {
    const base = pointer('', 'entities', e);
    if (entityIds.has(entity.id)) add(`${base}/id`, `duplicates entity id "${entity.id}"`);
    if (entityKeys.has(entity.key)) add(`${base}/key`, `duplicates entity key "${entity.key}"`);
    entityIds.set(entity.id, entity);
    entityKeys.add(entity.key);
  });

  const childUse = new Map<string, string>();
  doc.entities.forEach((entity, e) => {
    const base = pointer('', 'entities', e);
    const fieldIds = new Set<string>();
    const fieldKeys = new Set<string>();
    entity.fields.forEach((field, f) => {
      const fieldBase = pointer(base, 'fields', f);
      if (fieldIds.has(field.id)) add(`${fieldBase}/id`, `duplicates field id "${field.id}"`);
      if (fieldKeys.has(field.key)) add(`${fieldBase}/key`, `duplicates field key "${field.key}"`);
      if ((SYSTEM_KEYS as readonly string[]).includes(field.key))
        add(`${fieldBase}/key`, `"${field.key}" is a system key`);
      fieldIds.add(field.id);
      fieldKeys.add(field.key);
      fieldIssues(doc, entity, field, fieldBase, entityIds, childUse, add);
    });
    if (entity.titleField && !fieldIds.has(entity.titleField))
      add(`${base}/titleField`, 'is not a field id of this entity');
    entity.searchFields?.forEach((id, i) => {
      const field = entity.fields.find((f) => f.id === id);
      if (!field) add(`${base}/searchFields/${i}`, 'is not a field id of this entity');
      else if (columnTypeOf(field, doc) !== 'text')
        add(`${base}/searchFields/${i}`, 'must be a text-like field');
    });
    entity.defaultSort?.forEach((key, i) => {
      const field = entity.fields.find((f) => f.id === key.field);
      if (!field && !(SYSTEM_KEYS as readonly string[]).includes(key.field)) {
        add(`${base}/defaultSort/${i}/field`, 'is neither a field id nor a system key');
      } else if (field && !isSortable(field)) add(`${base}/defaultSort/${i}/field`, 'cannot be sorted on');
    });
    issues.push(...entityRuleIssues(doc, entity, base));
  });
  roleIssues(doc, entityIds, add);
  issues.push(...formIssues(doc));
  issues.push(...recordWorkflowIssues(doc));
  issues.push(...captureHookIssues(doc));
  doc.entities.forEach((entity, e) => {
    if (entity.kind === 'child' && !childUse.has(entity.id)) {
      add(pointer('', 'entities', e, 'kind'), 'a child entity must be used by exactly one sub-table field');
    }
  });
  return issues;
}

function fieldIssues(
  doc: AppDocument,
  entity: Entity,
  field: Field,
  base: string,
  entities: Map<string, Entity>,
  childUse: Map<string, string>,
  add: (path: string, message: string) => void,
): void {
  switch (field.type) {
    case 'text':
      if (field.pattern) {
        const problem = checkRegexSafety(field.pattern, 'u');
        if (problem) add(`${base}/pattern`, problem);
      }
      lengthIssues(field.minLength, field.maxLength, base, add);
      break;
    case 'longText':
      lengthIssues(field.minLength, field.maxLength, base, add);
      break;
    case 'number':
      if (!field.integer && (field.scale ?? 2) > (field.precision ?? 18))
        add(`${base}/scale`, 'must not exceed precision');
      if (field.integer && (field.precision !== undefined || field.scale !== undefined)) {
        add(`${base}/integer`, 'integer fields take no precision or scale');
      }
      if (field.min !== undefined && field.max !== undefined && field.min > field.max)
        add(`${base}/min`, 'must not exceed max');
      break;
    case 'money':
      if ((field.scale ?? 2) >= (field.precision ?? 18)) add(`${base}/scale`, 'must be less than precision');
      break;
    case 'singleSelect':
    case 'multiSelect': {
      const ids = new Set<string>();
      field.options.forEach((option, o) => {
        if (ids.has(option.id)) add(`${base}/options/${o}/id`, `duplicates option id "${option.id}"`);
        ids.add(option.id);
      });
      const defaults =
        field.type === 'singleSelect' ? (field.default ? [field.default] : []) : (field.default ?? []);
      defaults.forEach((d) => {
        if (!ids.has(d)) add(`${base}/default`, `"${d}" is not an option id`);
      });
      break;
    }
    case 'reference': {
      const target = entities.get(field.target);
      if (!target) add(`${base}/target`, `no entity has id "${field.target}"`);
      else if (target.kind === 'child') add(`${base}/target`, 'cannot reference a child entity');
      break;
    }
    case 'subTable': {
      const child = entities.get(field.childEntity);
      if (!child) add(`${base}/childEntity`, `no entity has id "${field.childEntity}"`);
      else if (child.kind !== 'child') add(`${base}/childEntity`, 'must be an entity with kind "child"');
      else if (child.id === entity.id) add(`${base}/childEntity`, 'cannot be the entity itself');
      else if (childUse.has(child.id))
        add(`${base}/childEntity`, 'is already used by another sub-table field');
      else childUse.set(child.id, entity.id);
      if (entity.kind === 'child') add(`${base}/type`, 'child entities cannot have sub-tables');
      break;
    }
    case 'autoNumber': {
      const parsed = parseAutoNumberPattern(field.pattern);
      if (!parsed.ok) add(`${base}/pattern`, parsed.message);
      break;
    }
    case 'formula': {
      const problem = formulaIssue(
        field.expression,
        new Set(entity.fields.filter((f) => f.id !== field.id).map((f) => f.key)),
      );
      if (problem) add(`${base}/expression${problem.path}`, problem.message);
      break;
    }
    default:
      break;
  }
  void doc;
}

function lengthIssues(
  min: number | undefined,
  max: number | undefined,
  base: string,
  add: (p: string, m: string) => void,
) {
  if (min !== undefined && max !== undefined && min > max)
    add(`${base}/minLength`, 'must not exceed maxLength');
}

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);
const ITERATION_OPS = new Set(['map', 'filter', 'reduce', 'all', 'some', 'none']);

// A light structural check; the rule engine's checker does the full job where it is available.
function formulaIssue(expression: unknown, keys: Set<string>): { path: string; message: string } | undefined {
  // `body`: inside an iteration body (map/filter/reduce/all/some/none), where vars name array elements.
  const stack: Array<{ node: unknown; path: string; depth: number; body?: boolean }> = [
    { node: expression, path: '', depth: 0 },
  ];
  while (stack.length > 0) {
    const { node, path, depth, body } = stack.pop()!;
    if (depth > 32) return { path, message: 'is nested too deeply' };
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        stack.push({ node: child, path: `${path}/${i}`, depth: depth + 1, body });
      });
    } else if (node && typeof node === 'object') {
      const entries = Object.entries(node);
      if (entries.length !== 1) return { path, message: 'an operation must have exactly one operator' };
      const [op, args] = entries[0]!;
      if (op === 'var') {
        const name = Array.isArray(args) ? args[0] : args;
        if (typeof name !== 'string') return { path: `${path}/var`, message: 'must name a field' };
        const [head, ...rest] = name.split('.');
        if ([head, ...rest].some((s) => FORBIDDEN_SEGMENTS.has(s ?? '')))
          return { path: `${path}/var`, message: 'is not allowed' };
        if (!body && !keys.has(head ?? ''))
          return { path: `${path}/var`, message: `"${head}" is not a field key of this entity` };
      } else if (ITERATION_OPS.has(op) && Array.isArray(args)) {
        const opPath = `${path}/${op}`;
        args.forEach((arg, i) => {
          stack.push({ node: arg, path: `${opPath}/${i}`, depth: depth + 2, body: body || i > 0 });
        });
      } else
        stack.push({
          node: args,
          path: `${path}/${op.replace(/~/g, '~0').replace(/\//g, '~1')}`,
          depth: depth + 1,
          body,
        });
    }
  }
  return undefined;
}

function roleIssues(
  doc: AppDocument,
  entities: Map<string, Entity>,
  add: (path: string, message: string) => void,
): void {
  const keys = new Set<string>();
  (doc.roles ?? []).forEach((role, r) => {
    const base = pointer('', 'roles', r);
    if (keys.has(role.key)) add(`${base}/key`, `duplicates role key "${role.key}"`);
    keys.add(role.key);
    const granted = new Set<string>();
    role.grants.forEach((grant, g) => {
      const grantBase = pointer(base, 'grants', g);
      const entity = entities.get(grant.entity);
      if (!entity) {
        add(`${grantBase}/entity`, `no entity has id "${grant.entity}"`);
        return;
      }
      if (entity.kind === 'child') add(`${grantBase}/entity`, 'child entities follow their parent’s grants');
      if (granted.has(grant.entity)) add(`${grantBase}/entity`, 'a role has one grant per entity');
      granted.add(grant.entity);
      for (const fieldId of Object.keys(grant.fields ?? {})) {
        if (!entity.fields.some((f) => f.id === fieldId))
          add(pointer(grantBase, 'fields', fieldId), 'is not a field id of this entity');
      }
    });
  });
}
