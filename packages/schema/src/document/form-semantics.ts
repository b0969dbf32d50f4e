import type { AppDocument } from './app-document-schema.js';
import type { Entity } from './entity-schema.js';
import type { Field } from './field-schema.js';
import type { Form, FormNode } from './form-schema.js';
import { pointer, type ValidationIssue } from './validation-error.js';

const MAX_NESTING = 4;

/**
 * The structural checks of forms a JSON Schema cannot express: the entity exists and is not a child;
 * form ids are unique, node ids unique within a form; field nodes, data linkage, prefill and attribution
 * name fields of the entity (each field placed once); linkage and validation rules name field keys of the
 * entity or of the sub-table they run in; public forms carry their public settings. The rules themselves
 * are checked by `@dougong/forms` (the rule checker lives above this layer).
 */
export function formIssues(doc: AppDocument): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const entities = new Map(doc.entities.map((e) => [e.id, e]));
  const formIds = new Set<string>();
  (doc.forms ?? []).forEach((form, f) => {
    const base = pointer('', 'forms', f);
    const add = (path: string, message: string) => issues.push({ path: base + path, message });
    if (formIds.has(form.id)) add('/id', `duplicates form id "${form.id}"`);
    formIds.add(form.id);
    const entity = entities.get(form.entity);
    if (!entity) {
      add('/entity', `no entity has id "${form.entity}"`);
      return;
    }
    if (entity.kind === 'child') {
      add('/entity', 'forms belong to standard entities');
      return;
    }
    checkLayout(form, entity, add);
    checkRuleTargets(doc, form, entity, add);
    checkDataLinkage(doc, form, entity, entities, add);
    if (form.kind === 'public' && !form.public) add('/public', 'a public form needs its public settings');
    if (form.kind !== 'public' && form.public) add('/public', 'only public forms have public settings');
    if (form.public) checkPublic(form, entity, add);
  });
  return issues;
}

function checkLayout(form: Form, entity: Entity, add: (path: string, message: string) => void): void {
  const nodeIds = new Set<string>();
  const placed = new Set<string>();
  const fieldIds = new Map(entity.fields.map((f) => [f.id, f]));
  const visit = (nodes: readonly FormNode[], path: string, depth: number) => {
    nodes.forEach((node, i) => {
      const at = pointer(path, i);
      if (nodeIds.has(node.id)) add(`${at}/id`, `duplicates node id "${node.id}"`);
      nodeIds.add(node.id);
      switch (node.kind) {
        case 'field':
          if (!fieldIds.has(node.fieldId)) add(`${at}/fieldId`, `is not a field id of ${entity.key}`);
          else if (placed.has(node.fieldId)) add(`${at}/fieldId`, 'is already placed on this form');
          placed.add(node.fieldId);
          break;
        case 'section':
          if (depth >= MAX_NESTING) add(at, `nests deeper than ${MAX_NESTING} levels`);
          else visit(node.children, `${at}/children`, depth + 1);
          break;
        case 'tabs':
          if (depth >= MAX_NESTING) add(at, `nests deeper than ${MAX_NESTING} levels`);
          else
            node.tabs.forEach((tab, t) => {
              const tabPath = pointer(at, 'tabs', t);
              if (nodeIds.has(tab.id)) add(`${tabPath}/id`, `duplicates node id "${tab.id}"`);
              nodeIds.add(tab.id);
              visit(tab.children, `${tabPath}/children`, depth + 1);
            });
          break;
        case 'divider':
        case 'text':
          break;
      }
    });
  };
  visit(form.layout, '/layout', 0);
}

function childOf(doc: AppDocument, entity: Entity, subTableKey: string): Entity | undefined {
  const field = entity.fields.find((f) => f.key === subTableKey);
  if (field?.type !== 'subTable') return undefined;
  return doc.entities.find((e) => e.id === field.childEntity);
}

function checkRuleTargets(
  doc: AppDocument,
  form: Form,
  entity: Entity,
  add: (path: string, message: string) => void,
): void {
  const ruleIds = new Set<string>();
  const scopeOf = (subTable: string | undefined, at: string): Entity | undefined => {
    if (subTable === undefined) return entity;
    const child = childOf(doc, entity, subTable);
    if (!child) add(`${at}/subTable`, `is not a sub-table field key of ${entity.key}`);
    return child;
  };
  (form.linkage ?? []).forEach((rule, r) => {
    const at = pointer('/linkage', r);
    if (ruleIds.has(rule.id)) add(`${at}/id`, `duplicates rule id "${rule.id}"`);
    ruleIds.add(rule.id);
    const scope = scopeOf(rule.subTable, at);
    if (!scope) return;
    rule.fields.forEach((key, k) => {
      if (!scope.fields.some((f) => f.key === key))
        add(`${at}/fields/${k}`, `is not a field key of ${scope.key}`);
    });
    if (rule.action === 'setValue' && rule.value === undefined) add(`${at}/value`, 'setValue needs a value');
    if (rule.action !== 'setValue' && rule.value !== undefined)
      add(`${at}/value`, 'only setValue takes a value');
  });
  (form.validation ?? []).forEach((rule, r) => {
    const at = pointer('/validation', r);
    if (ruleIds.has(rule.id)) add(`${at}/id`, `duplicates rule id "${rule.id}"`);
    ruleIds.add(rule.id);
    const scope = scopeOf(rule.subTable, at);
    if (scope && !scope.fields.some((f) => f.key === rule.path))
      add(`${at}/path`, `is not a field key of ${scope.key}`);
  });
}

function checkDataLinkage(
  doc: AppDocument,
  form: Form,
  entity: Entity,
  entities: Map<string, Entity>,
  add: (path: string, message: string) => void,
): void {
  (form.dataLinkage ?? []).forEach((link, l) => {
    const at = pointer('/dataLinkage', l);
    let scope: Entity | undefined = entity;
    if (link.subTable !== undefined) {
      const sub = entity.fields.find((f) => f.id === link.subTable);
      scope = sub?.type === 'subTable' ? doc.entities.find((e) => e.id === sub.childEntity) : undefined;
      if (!scope) {
        add(`${at}/subTable`, `is not a sub-table field id of ${entity.key}`);
        return;
      }
    }
    const field = scope.fields.find((f) => f.id === link.field);
    if (field?.type !== 'reference') {
      add(`${at}/field`, `is not a reference field id of ${scope.key}`);
      return;
    }
    const target = entities.get(field.target);
    if (!target) return;
    link.copy.forEach((pair, p) => {
      const from = target.fields.find((f) => f.id === pair.from);
      const to = scope.fields.find((f) => f.id === pair.to);
      if (!from) add(`${at}/copy/${p}/from`, `is not a field id of ${target.key}`);
      if (!to) add(`${at}/copy/${p}/to`, `is not a field id of ${scope.key}`);
      else if (to.type === 'formula' || to.type === 'autoNumber' || to.type === 'subTable')
        add(`${at}/copy/${p}/to`, 'cannot be filled (computed or a sub-table)');
      else if (from && !sameShape(from, to))
        add(`${at}/copy/${p}`, `copies a ${from.type} field into a ${to.type} field`);
    });
  });
}

const TEXTUAL = new Set(['text', 'longText', 'email', 'phone', 'url']);
const NUMERIC = new Set(['number', 'money', 'percent']);

function sameShape(from: Field, to: Field): boolean {
  if (from.type === to.type) return from.type !== 'reference' || from.target === (to as typeof from).target;
  if (TEXTUAL.has(to.type)) return TEXTUAL.has(from.type) || from.type === 'autoNumber';
  return NUMERIC.has(from.type) && NUMERIC.has(to.type);
}

function checkPublic(form: Form, entity: Entity, add: (path: string, message: string) => void): void {
  const settings = form.public!;
  const ids = new Map(entity.fields.map((f) => [f.id, f]));
  const onForm = new Set<string>();
  const collect = (nodes: readonly FormNode[]) => {
    for (const node of nodes) {
      if (node.kind === 'field') onForm.add(node.fieldId);
      else if (node.kind === 'section') collect(node.children);
      else if (node.kind === 'tabs') for (const tab of node.tabs) collect(tab.children);
    }
  };
  collect(form.layout);
  for (const field of entity.fields) {
    const filled = field.type === 'autoNumber' || field.type === 'formula' || 'default' in field;
    if (field.required && !filled && !onForm.has(field.id))
      add('/layout', `a public form must place the required field "${field.id}"`);
  }
  settings.prefill?.forEach((id, i) => {
    if (!onForm.has(id)) add(`/public/prefill/${i}`, 'must be a field id placed on this form');
  });
  const attribution = settings.attribution;
  if (!attribution) return;
  const target = (id: string | undefined, path: string, ok: (f: Field) => boolean, what: string) => {
    if (id === undefined) return;
    const field = ids.get(id);
    if (!field) add(path, `is not a field id of ${entity.key}`);
    else if (!ok(field)) add(path, `must be ${what}`);
  };
  const texty = (f: Field) => f.type === 'text' || f.type === 'longText' || f.type === 'url';
  target(
    attribution.campaignField,
    '/public/attribution/campaignField',
    (f) => texty(f) || f.type === 'reference',
    'a text or reference field',
  );
  target(
    attribution.channelField,
    '/public/attribution/channelField',
    (f) => texty(f) || f.type === 'singleSelect',
    'a text or single-select field',
  );
  target(attribution.referrerField, '/public/attribution/referrerField', texty, 'a text or URL field');
  for (const [part, id] of Object.entries(attribution.utmFields ?? {}))
    target(id, `/public/attribution/utmFields/${part}`, texty, 'a text field');
  if (attribution.channel !== undefined && attribution.channelField !== undefined) {
    const field = ids.get(attribution.channelField);
    if (field?.type === 'singleSelect' && !field.options.some((o) => o.id === attribution.channel))
      add('/public/attribution/channel', `"${attribution.channel}" is not an option id of the channel field`);
  }
}
