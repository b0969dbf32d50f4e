import type { AppDocument } from './app-document-schema.js';
import type { Entity } from './entity-schema.js';
import { flowUsages } from './flow-usages.js';
import type { FormNode } from './form-schema.js';
import { RECORD_SCOPE, ruleKeys } from './rule-references.js';
import {
  childEntityOf,
  type DocumentReference,
  type Emit,
  keyEmitter,
  type ReferenceTarget,
  SYSTEM,
  USAGE_OWNERS,
  type UsageCollector,
  type UsageKind,
  type UsageOwnerKind,
} from './usage-kinds.js';
import { pointer } from './validation-error.js';

export {
  type DocumentReference,
  type ReferenceTarget,
  USAGE_KINDS,
  USAGE_OWNERS,
  type UsageKind,
  type UsageOwnerKind,
} from './usage-kinds.js';

/** A field or entity whose usages are wanted. A field's `key` defaults to its key in the document. */
export type UsageSubject =
  | { kind: 'entity'; entityId: string }
  | { kind: 'field'; entityId: string; fieldId: string; key?: string };

/** A usage of a subject: where, by whom, how. */
export interface FieldUsage extends DocumentReference {
  subject: UsageSubject;
}

/**
 * Finds every place in a document that names an entity or a field: forms (layout, linkage, validation,
 * data linkage, public settings), flows (trigger, steps, expressions, templates, writes, queries),
 * roles (grants, field access, conditions) and entities (title, search, sort, formulas, references).
 * Rules name fields by key, everything else by id; keys are reported as they are written and resolved
 * by {@link fieldUsages}.
 */
export function documentReferences(doc: AppDocument): DocumentReference[] {
  const out: DocumentReference[] = [];
  for (const owner of USAGE_OWNERS) USAGE_COLLECTORS[owner](doc, (ref) => out.push(ref));
  return out;
}

/**
 * Who uses the given entities and fields in `doc`, in document order. A field is matched by its id and by
 * its key, unless another field of the entity now has that key (then rules read that one). An entity is
 * matched where it is named (forms, triggers, steps, grants, reference and sub-table fields).
 * @example
 * fieldUsages(draft, [{ kind: 'field', entityId: 'lead', fieldId: 'note', key: 'note' }])
 * // [{ kind: 'formField', path: '/forms/0/layout/0/children/3/fieldId', owner: { kind: 'form', id: 'lead_full' }, … }]
 */
export function fieldUsages(doc: AppDocument, subjects: readonly UsageSubject[]): FieldUsage[] {
  const entities = new Map(doc.entities.map((e) => [e.id, e]));
  const out: FieldUsage[] = [];
  for (const ref of documentReferences(doc)) {
    for (const subject of subjects) {
      if (matches(ref.target, subject, entities.get(subject.entityId))) out.push({ ...ref, subject });
    }
  }
  return out;
}

function matches(target: ReferenceTarget, subject: UsageSubject, entity: Entity | undefined): boolean {
  if (target.entityId !== subject.entityId) return false;
  if (subject.kind === 'entity') return target.kind === 'entity';
  if (target.kind === 'field') return target.fieldId === subject.fieldId;
  if (target.kind !== 'fieldKey') return false;
  const holder = entity?.fields.find((f) => f.key === target.key);
  if (holder) return holder.id === subject.fieldId;
  const key = subject.key ?? entity?.fields.find((f) => f.id === subject.fieldId)?.key;
  return key === target.key;
}

/** The collector of each owner kind. */
export const USAGE_COLLECTORS: Record<UsageOwnerKind, UsageCollector> = {
  entity: entityUsages,
  form: formUsages,
  flow: flowUsages,
  role: roleUsages,
};

function entityUsages(doc: AppDocument, emit: Emit): void {
  doc.entities.forEach((entity, e) => {
    const base = pointer('', 'entities', e);
    const owner = { kind: 'entity' as const, id: entity.id };
    const field = (kind: UsageKind, fieldId: string, path: string) =>
      emit({ kind, owner, access: 'read', path, target: { kind: 'field', entityId: entity.id, fieldId } });
    if (entity.titleField) field('titleField', entity.titleField, `${base}/titleField`);
    entity.searchFields?.forEach((id, i) => {
      field('searchField', id, `${base}/searchFields/${i}`);
    });
    entity.defaultSort?.forEach((sort, i) => {
      if (!SYSTEM.has(sort.field)) field('defaultSort', sort.field, `${base}/defaultSort/${i}/field`);
    });
    workflowUsages(doc, entity, base, emit);
    entity.fields.forEach((f, i) => {
      const at = pointer(base, 'fields', i);
      const ref = (kind: UsageKind, entityId: string, path: string) =>
        emit({ kind, owner, access: 'read', path, target: { kind: 'entity', entityId } });
      if (f.type === 'reference') ref('referenceTarget', f.target, `${at}/target`);
      else if (f.type === 'subTable') ref('subTableChild', f.childEntity, `${at}/childEntity`);
      else if (f.type === 'formula')
        keyEmitter(
          doc,
          emit,
          'formula',
          owner,
        )(entity.id, ruleKeys(f.expression, `${at}/expression`, RECORD_SCOPE));
    });
  });
}

/**
 * Keys named by an entity's record workflow: stage gates (required fields, values written on entry),
 * the pool's claim values, conversions (the source's update, each target's match field and values,
 * re-linked references and their values, in their own entities) and scoring (result fields, attribute
 * conditions). Values that are expressions over `{ source, targets, … }` are not read here.
 */
function workflowUsages(doc: AppDocument, entity: Entity, base: string, emit: Emit): void {
  const owner = { kind: 'entity' as const, id: entity.id };
  const keys = (kind: UsageKind) => keyEmitter(doc, emit, kind, owner);
  const mapKeys = (values: Record<string, unknown> | undefined, at: string) =>
    Object.keys(values ?? {}).map((key) => ({ key, path: pointer(at, key) }));
  entity.fields.forEach((field, f) => {
    if (field.type !== 'singleSelect') return;
    field.options.forEach((option, o) => {
      const at = pointer(base, 'fields', f, 'options', o);
      keys('stageGate')(
        entity.id,
        (option.requires ?? []).map((key, i) => ({ key, path: pointer(at, 'requires', i) })),
      );
      keys('stageGate')(entity.id, mapKeys(option.defaults, pointer(at, 'defaults')), 'write');
    });
  });
  keys('recordPool')(entity.id, mapKeys(entity.pool?.onClaim, pointer(base, 'pool', 'onClaim')), 'write');
  entity.conversions?.forEach((conversion, c) => {
    const at = pointer(base, 'conversions', c);
    const emitKeys = keys('conversion');
    conversion.targets.forEach((target, t) => {
      const tAt = pointer(at, 'targets', t);
      if (target.match) emitKeys(target.entity, [{ key: target.match.field, path: `${tAt}/match/field` }]);
      emitKeys(target.entity, mapKeys(target.values, pointer(tAt, 'values')), 'write');
    });
    conversion.relink?.forEach((relink, r) => {
      const rAt = pointer(at, 'relink', r);
      emitKeys(relink.entity, [{ key: relink.field, path: `${rAt}/field` }]);
      emitKeys(relink.entity, mapKeys(relink.values, pointer(rAt, 'values')), 'write');
    });
    emitKeys(entity.id, mapKeys(conversion.update, pointer(at, 'update')), 'write');
  });
  const scoring = entity.scoring;
  if (scoring) {
    const at = pointer(base, 'scoring');
    keys('scoringField')(
      entity.id,
      (['scoreField', 'gradeField', 'breakdownField'] as const).flatMap((name) => {
        const key = scoring[name];
        return key === undefined ? [] : [{ key, path: `${at}/${name}` }];
      }),
      'write',
    );
    scoring.model.attributes.forEach((attribute, a) => {
      keys('scoringCondition')(
        entity.id,
        ruleKeys(attribute.condition, pointer(at, 'model', 'attributes', a, 'condition'), RECORD_SCOPE),
      );
    });
  }
}

function layoutFields(nodes: readonly FormNode[], path: string, visit: (node: FormNode, at: string) => void) {
  nodes.forEach((node, i) => {
    const at = pointer(path, i);
    visit(node, at);
    if (node.kind === 'section') layoutFields(node.children, `${at}/children`, visit);
    else if (node.kind === 'tabs')
      node.tabs.forEach((tab, t) => {
        layoutFields(tab.children, `${at}/tabs/${t}/children`, visit);
      });
  });
}

function formUsages(doc: AppDocument, emit: Emit): void {
  (doc.forms ?? []).forEach((form, f) => {
    const base = pointer('', 'forms', f);
    const owner = { kind: 'form' as const, id: form.id };
    const byId = (
      kind: UsageKind,
      entityId: string | undefined,
      fieldId: string,
      path: string,
      write = false,
    ) => {
      if (entityId !== undefined)
        emit({
          kind,
          owner,
          path,
          access: write ? 'write' : 'read',
          target: { kind: 'field', entityId, fieldId },
        });
    };
    const byKey = (kind: UsageKind) => keyEmitter(doc, emit, kind, owner);
    emit({
      kind: 'formEntity',
      owner,
      access: 'read',
      path: `${base}/entity`,
      target: { kind: 'entity', entityId: form.entity },
    });
    layoutFields(form.layout, `${base}/layout`, (node, at) => {
      if (node.kind === 'field')
        byId('formField', form.entity, node.fieldId, `${at}/fieldId`, node.readOnly !== true);
    });
    const scopeOf = (subTable: string | undefined) =>
      subTable === undefined ? form.entity : childEntityOf(doc, form.entity, subTable);
    (form.linkage ?? []).forEach((rule, r) => {
      const at = pointer(base, 'linkage', r);
      const emitKeys = byKey('formLinkage');
      const scope = scopeOf(rule.subTable);
      if (rule.subTable !== undefined)
        emitKeys(form.entity, [{ key: rule.subTable, path: `${at}/subTable` }]);
      emitKeys(scope, ruleKeys(rule.when, `${at}/when`, RECORD_SCOPE));
      if (rule.value !== undefined) emitKeys(scope, ruleKeys(rule.value, `${at}/value`, RECORD_SCOPE));
      const targets = rule.fields.map((key, k) => ({ key, path: `${at}/fields/${k}` }));
      emitKeys(scope, targets, rule.action === 'setValue' ? 'write' : 'read');
    });
    (form.validation ?? []).forEach((rule, r) => {
      const at = pointer(base, 'validation', r);
      const emitKeys = byKey('formValidation');
      const scope = scopeOf(rule.subTable);
      if (rule.subTable !== undefined)
        emitKeys(form.entity, [{ key: rule.subTable, path: `${at}/subTable` }]);
      if (rule.when !== undefined) emitKeys(scope, ruleKeys(rule.when, `${at}/when`, RECORD_SCOPE));
      emitKeys(scope, ruleKeys(rule.condition, `${at}/condition`, RECORD_SCOPE));
      emitKeys(scope, [{ key: rule.path, path: `${at}/path` }]);
    });
    (form.dataLinkage ?? []).forEach((link, l) => {
      const at = pointer(base, 'dataLinkage', l);
      let scope: string | undefined = form.entity;
      if (link.subTable !== undefined) {
        byId('formDataLinkage', form.entity, link.subTable, `${at}/subTable`);
        const sub = doc.entities
          .find((e) => e.id === form.entity)
          ?.fields.find((x) => x.id === link.subTable);
        scope = sub?.type === 'subTable' ? sub.childEntity : undefined;
      }
      byId('formDataLinkage', scope, link.field, `${at}/field`);
      const reference = doc.entities.find((e) => e.id === scope)?.fields.find((x) => x.id === link.field);
      const target = reference?.type === 'reference' ? reference.target : undefined;
      link.copy.forEach((pair, p) => {
        byId('formDataLinkage', target, pair.from, `${at}/copy/${p}/from`);
        byId('formDataLinkage', scope, pair.to, `${at}/copy/${p}/to`, true);
      });
    });
    const settings = form.public;
    settings?.prefill?.forEach((id, i) => {
      byId('formPublic', form.entity, id, `${base}/public/prefill/${i}`);
    });
    const attribution = settings?.attribution;
    if (attribution) {
      const at = `${base}/public/attribution`;
      for (const name of ['campaignField', 'channelField', 'referrerField'] as const) {
        const id = attribution[name];
        if (id !== undefined) byId('formPublic', form.entity, id, `${at}/${name}`, true);
      }
      for (const [part, id] of Object.entries(attribution.utmFields ?? {}))
        if (id !== undefined) byId('formPublic', form.entity, id, `${at}/utmFields/${part}`, true);
    }
  });
}

function roleUsages(doc: AppDocument, emit: Emit): void {
  (doc.roles ?? []).forEach((role, r) => {
    const owner = { kind: 'role' as const, id: role.key };
    role.grants.forEach((grant, g) => {
      const at = pointer('', 'roles', r, 'grants', g);
      emit({
        kind: 'roleGrant',
        owner,
        access: 'read',
        path: `${at}/entity`,
        target: { kind: 'entity', entityId: grant.entity },
      });
      for (const fieldId of Object.keys(grant.fields ?? {}))
        emit({
          kind: 'roleFieldAccess',
          owner,
          access: 'read',
          path: pointer(`${at}/fields`, fieldId),
          target: { kind: 'field', entityId: grant.entity, fieldId },
        });
      if (grant.condition !== undefined)
        keyEmitter(
          doc,
          emit,
          'roleCondition',
          owner,
        )(grant.entity, ruleKeys(grant.condition, `${at}/condition`, RECORD_SCOPE));
    });
  });
}
