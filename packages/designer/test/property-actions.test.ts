import { checkFlows } from '@dougong/flows';
import { checkFormRules, fieldNodes } from '@dougong/forms';
import { type AppDocument, FIELD_TYPES, validateAppDocument } from '@dougong/schema';
import { salesApp } from '@dougong/template-sales';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTION_HANDLERS,
  createDesignerState,
  type DesignerAction,
  type DesignerState,
  dispatch,
  type FlowCanvasItem,
  type FlowEdge,
  flowCanvas,
  flowPalette,
  isTab,
  type LayoutItem,
  redo,
  seal,
  undo,
  whereEntityIsUsed,
  whereFieldIsUsed,
} from '../src/index.js';
import { crm, deepFreeze } from './fixture.js';

/** Picks from a list with a seed (undefined for an empty list). */
const pick = <T>(items: readonly T[], seed: number): T | undefined =>
  items.length ? items[seed % items.length] : undefined;
const LABELS = [
  { 'zh-CN': '客户' },
  { en: 'Order line' },
  { 'zh-CN': '合同', en: 'Contract' },
  { en: 'Visit' },
];

function layoutItems(nodes: readonly LayoutItem[]): LayoutItem[] {
  return nodes.flatMap((n) => [
    n,
    ...(isTab(n) || n.kind === 'section'
      ? layoutItems(n.children)
      : n.kind === 'tabs'
        ? layoutItems(n.tabs)
        : []),
  ]);
}

function canvasEdges(items: readonly FlowCanvasItem[]): FlowEdge[] {
  return items.flatMap((item) => {
    if (item.kind === 'goto') return [];
    if (item.kind === 'step')
      return [...(item.after ? [item.after] : []), ...item.alternates.map((a) => a.edge)];
    return [
      ...(item.after ? [item.after] : []),
      ...item.branches.flatMap((b) => [b.entry, ...canvasEdges(b.items)]),
    ];
  });
}

/**
 * A random but sensible action for the document (ids picked from what exists, values of the right
 * shape). It may still be refused — that is part of what is tested.
 */
function randomAction(doc: AppDocument, [a, b, c, d]: readonly number[]): DesignerAction | undefined {
  const entity = pick(doc.entities, b);
  const field = entity && pick(entity.fields, c);
  const selects = doc.entities.flatMap((e) =>
    e.fields.flatMap((f) => (f.type === 'singleSelect' || f.type === 'multiSelect' ? [{ e, f }] : [])),
  );
  const select = pick(selects, c);
  const form = pick(doc.forms ?? [], b);
  const items = form ? layoutItems(form.layout) : [];
  const item = pick(items, c);
  const containers = [
    null,
    ...items.filter((i) => isTab(i) || i.kind === 'section' || i.kind === 'tabs').map((i) => i.id),
  ];
  const target = () =>
    d % 3 === 0
      ? { parentId: pick(containers, d) ?? null, index: d % 4 }
      : d % 3 === 1 && item
        ? { beforeId: pick(items, d)!.id }
        : item
          ? { afterId: pick(items, d)!.id }
          : { parentId: null };
  const flow = pick(doc.flows ?? [], b);
  const edge = flow
    ? pick([{ from: null } as FlowEdge, ...canvasEdges(flowCanvas(flow).items)], d)
    : undefined;
  const flowNode = flow && pick(flow.nodes, c);
  const splitNode =
    flow &&
    pick(
      flow.nodes.filter((n) => n.kind === 'condition' || n.kind === 'parallel'),
      c,
    );
  const role = pick(doc.roles ?? [], b);
  const rules = form ? [...(form.linkage ?? []), ...(form.validation ?? [])] : [];
  const formEntity = form && doc.entities.find((e) => e.id === form.entity);
  const textField = formEntity?.fields.find((f) => f.type === 'text');
  const selectOf = formEntity?.fields.find((f) => f.type === 'singleSelect') as
    | { key: string; options: Array<{ id: string }> }
    | undefined;
  const options = select ? (select.f as { options: Array<{ id: string }> }).options : [];

  const makers: Array<() => DesignerAction | undefined> = [
    () => ({ type: 'addEntity', label: pick(LABELS, c)! }),
    () =>
      entity && {
        type: 'renameEntity',
        entityId: entity.id,
        label: pick(LABELS, c)!,
        ...(d % 3 === 0 ? { key: `renamed${c % 7}` } : {}),
      },
    () => {
      if (!entity) return undefined;
      const texts = entity.fields.filter((f) => f.type === 'text').map((f) => f.id);
      return {
        type: 'describeEntity',
        entityId: entity.id,
        icon: pick(['star', 'user', ''], d)!,
        ...(field ? { titleField: field.id } : {}),
        searchFields: texts.slice(0, 1 + (d % 2)),
      };
    },
    () => {
      // Mostly entities nothing uses, so removals happen as well as refusals.
      const free = doc.entities.filter(
        (e) => e.kind !== 'child' && !whereEntityIsUsed(doc, e.id).some((u) => u.blocking),
      );
      const victim = d % 4 === 0 ? entity : (pick(free, c) ?? entity);
      return victim && { type: 'removeEntity', entityId: victim.id };
    },
    () => {
      if (!entity) return undefined;
      const place =
        form && form.entity === entity.id && d % 2 === 0
          ? { place: { formId: form.id, target: target() } }
          : {};
      return {
        type: 'addField',
        entityId: entity.id,
        fieldType: pick(FIELD_TYPES, c)!,
        ...(d % 3 ? { label: pick(LABELS, d)! } : {}),
        ...place,
      };
    },
    () => {
      if (!entity || !field) return undefined;
      const patches = [
        { help: { en: `help ${d}` } },
        { key: `key${d % 5}` },
        { label: pick(LABELS, d)! },
        { index: d % 2 === 0 },
      ];
      return { type: 'updateField', entityId: entity.id, fieldId: field.id, patch: pick(patches, d)! };
    },
    () =>
      entity &&
      field && { type: 'moveField', entityId: entity.id, fieldId: field.id, target: { index: d % 5 } },
    () => entity && field && { type: 'removeField', entityId: entity.id, fieldId: field.id },
    () =>
      select && { type: 'addOption', entityId: select.e.id, fieldId: select.f.id, label: pick(LABELS, d)! },
    () =>
      select && {
        type: 'updateOption',
        entityId: select.e.id,
        fieldId: select.f.id,
        optionId: pick(options, d)!.id,
        color: '#123456',
      },
    () =>
      select && {
        type: 'moveOption',
        entityId: select.e.id,
        fieldId: select.f.id,
        optionId: pick(options, d)!.id,
        target: { index: c % 3 },
      },
    () =>
      select && {
        type: 'removeOption',
        entityId: select.e.id,
        fieldId: select.f.id,
        optionId: pick(options, d)!.id,
      },
    () =>
      entity && {
        type: 'addForm',
        entityId: entity.id,
        kind: pick(['full', 'quickCreate', 'public'] as const, d)!,
      },
    () => form && { type: 'updateForm', formId: form.id, patch: { label: pick(LABELS, d)! } },
    () => form && { type: 'removeForm', formId: form.id },
    () => {
      if (!form || !formEntity) return undefined;
      const placed = new Set(fieldNodes(form).map((n) => n.fieldId));
      const free = formEntity.fields.filter((f) => !placed.has(f.id));
      const kinds = [
        ...(free.length ? [{ kind: 'field' as const, fieldId: pick(free, d)!.id }] : []),
        { kind: 'section' as const },
        { kind: 'columns' as const, columns: 3 },
        { kind: 'tabs' as const },
        { kind: 'tab' as const },
        { kind: 'divider' as const },
        { kind: 'text' as const },
      ];
      return { type: 'addFormNode', formId: form.id, node: pick(kinds, c)!, target: target() };
    },
    () => form && item && { type: 'moveFormNode', formId: form.id, nodeId: item.id, target: target() },
    () => {
      if (!form || !item) return undefined;
      const patch = isTab(item)
        ? { label: pick(LABELS, d)! }
        : item.kind === 'section'
          ? { columns: 1 + (d % 4) }
          : item.kind === 'field'
            ? { span: 1 + (d % 2) }
            : item.kind === 'text'
              ? { text: { en: 'x' } }
              : {};
      return { type: 'updateFormNode', formId: form.id, nodeId: item.id, patch };
    },
    // Public forms must keep their required fields, which the check (not the reducer) reports.
    () =>
      form &&
      item &&
      form.kind !== 'public' && {
        type: 'removeFormNodes',
        formId: form.id,
        nodeIds: [item.id, ...(d % 2 ? [pick(items, d)!.id] : [])],
      },
    () => {
      if (!form || !formEntity) return undefined;
      const when = selectOf
        ? { '==': [{ var: selectOf.key }, selectOf.options[0]!.id] }
        : textField
          ? { is_empty: [{ var: textField.key }] }
          : true;
      const target = pick(formEntity.fields, d)!.key;
      return d % 2
        ? {
            type: 'setFormRule',
            formId: form.id,
            ruleKind: 'linkage',
            rule: {
              when,
              action: pick(['show', 'hide', 'require', 'readOnly'] as const, c)!,
              fields: [target],
            },
          }
        : {
            type: 'setFormRule',
            formId: form.id,
            ruleKind: 'validation',
            rule: { condition: when, message: { en: 'No' }, path: target },
          };
    },
    () =>
      form &&
      rules.length > 0 && {
        type: 'moveFormRule',
        formId: form.id,
        ruleId: pick(rules, d)!.id,
        target: { index: c % 2 },
      },
    () => form && rules.length > 0 && { type: 'removeFormRule', formId: form.id, ruleId: pick(rules, d)!.id },
    () => ({
      type: 'addFlow',
      label: pick(LABELS, c)!,
      ...(entity && entity.kind !== 'child'
        ? { trigger: { kind: 'recordCreated' as const, entity: entity.id } }
        : {}),
    }),
    () =>
      flow && {
        type: 'updateFlowMeta',
        flowId: flow.id,
        patch: d % 2 ? { enabled: d % 4 === 1 } : { label: pick(LABELS, c)! },
      },
    () => flow && { type: 'removeFlow', flowId: flow.id },
    () => {
      if (!flow || !edge) return undefined;
      // A score needs a number field on the trigger record, which random documents rarely have.
      const kinds = flowPalette().filter((k) => k.kind !== 'recomputeScore');
      return {
        type: 'insertFlowNode',
        flowId: flow.id,
        at: edge,
        node: { kind: pick(kinds, c)!.kind } as never,
      };
    },
    () =>
      flow && flowNode && edge && { type: 'moveFlowNode', flowId: flow.id, nodeId: flowNode.id, to: edge },
    () =>
      flow &&
      flowNode && {
        type: 'updateFlowNode',
        flowId: flow.id,
        nodeId: flowNode.id,
        patch: flowNode.kind === 'delay' ? { minutes: d } : { label: pick(LABELS, d)! },
      },
    () => flow && flowNode && { type: 'removeFlowNode', flowId: flow.id, nodeId: flowNode.id },
    () =>
      flow &&
      splitNode && {
        type: 'addBranch',
        flowId: flow.id,
        nodeId: splitNode.id,
        ...(d % 2 ? { condition: { '!!': [{ var: 'record.id' }] } } : {}),
      },
    () => {
      if (!flow || !splitNode) return undefined;
      const branch =
        splitNode.kind === 'condition' && splitNode.else !== undefined && d % 2 === 0 ? 'else' : d % 3;
      return { type: 'removeBranch', flowId: flow.id, nodeId: splitNode.id, branch };
    },
    () =>
      flow &&
      splitNode && {
        type: 'setBranchCondition',
        flowId: flow.id,
        nodeId: splitNode.id,
        branch: d % 2,
        condition: { '!!': [{ var: 'record.id' }] },
      },
    () => ({ type: 'addRole', label: pick(LABELS, c)! }),
    () => role && { type: 'updateRole', roleKey: role.key, patch: { label: pick(LABELS, d)! } },
    () =>
      role &&
      entity && {
        type: 'setRoleGrant',
        roleKey: role.key,
        entityId: entity.id,
        grant: d % 3 === 0 ? null : { actions: ['read'], scope: 'own' },
      },
    () => role && { type: 'removeRole', roleKey: role.key },
    () => ({ type: 'updateApp', patch: { label: pick(LABELS, d)! } }),
    () => {
      // A type change of a field something uses (a rule, a search setting) is for the check to judge.
      if (
        !entity ||
        !field ||
        field.type === 'subTable' ||
        whereFieldIsUsed(doc, entity.id, field.id).length > 0
      )
        return undefined;
      return {
        type: 'changeFieldType',
        entityId: entity.id,
        fieldId: field.id,
        fieldType: pick(
          FIELD_TYPES.filter((t) => t !== 'subTable'),
          d,
        )!,
      };
    },
    () => {
      if (!entity) return undefined;
      const score = entity.fields.find((f) => f.type === 'number');
      const text = entity.fields.find((f) => f.type === 'text');
      // Flows may score with the entity's scoring; taking it away is for the check to judge.
      const scored = (doc.flows ?? []).some((f) => f.nodes.some((n) => n.kind === 'recomputeScore'));
      if (!score || !text || d % 3 === 0)
        return scored ? undefined : { type: 'setEntityScoring', entityId: entity.id, scoring: null };
      return {
        type: 'setEntityScoring',
        entityId: entity.id,
        scoring: {
          scoreField: score.key,
          model: {
            attributes: [{ id: 'named', condition: { is_not_empty: [{ var: text.key }] }, points: 5 }],
            behaviours: [],
            grades: [],
          },
        },
      };
    },
  ];
  const made = makers[a % makers.length]!();
  return made || undefined;
}

// Issues a valid analyst edit may leave for the check to report: a required field not placed on a public
// form (adding a required field, or a public form of an entity).
const tolerated = (issue: { path: string; message: string }) =>
  issue.message.includes('a public form must place the required field') || UNCOVERED.test(issue.path);
// Entity features (and stage gates of options) whose field references `fieldUsages` of `@dougong/schema`
// does not report yet, so a
// removal is not refused for them (see the package README).
const UNCOVERED =
  /^\/entities\/\d+\/(conversions|duplicateRules|pool|scoring|related|fields\/\d+\/options\/\d+\/(requires|defaults))(\/|$)|^\/captureHooks\//;

function serverIssues(doc: AppDocument): string[] {
  const result = validateAppDocument(doc);
  return [...(result.ok ? [] : result.issues), ...checkFormRules(doc), ...checkFlows(doc)]
    .filter((i) => !tolerated(i))
    .map((i) => `${i.path}: ${i.message}`);
}

function run(start: AppDocument, steps: ReadonlyArray<readonly number[]>, seen: Set<string>): void {
  let state: DesignerState = createDesignerState(deepFreeze(start));
  for (const seeds of steps) {
    const action = randomAction(state.doc, seeds);
    if (!action) continue;
    const before = state.doc;
    const snapshot = structuredClone(before);
    // Sealed, so every accepted action is its own undo step (merging typing is tested on its own).
    const next = dispatch(seal(state), action);
    if (next.refusal) {
      expect(next.doc).toBe(before);
      expect(next.past).toBe(state.past);
      state = next;
      continue;
    }
    seen.add(action.type);
    deepFreeze(next.doc);
    expect(before).toEqual(snapshot);
    if (next.doc !== before) {
      expect(serverIssues(next.doc), `${JSON.stringify(action)}`).toEqual([]);
      const back = undo(next);
      expect(back.doc).toBe(before);
      expect(back.doc).toEqual(snapshot);
      const again = redo(back);
      expect(again.doc).toBe(next.doc);
    }
    state = next;
  }
}

describe('every action, at random', () => {
  const steps = fc.array(fc.array(fc.nat(1000), { minLength: 4, maxLength: 4 }), {
    minLength: 5,
    maxLength: 25,
  });
  // A fixed default seed keeps the coverage check below repeatable; FC_SEED explores other sequences.
  const seed = Number(process.env.FC_SEED ?? 42);
  const seen = new Set<string>();

  // FC_RUNS raises the number of runs (the larger sales template is checked less often by default).
  it.each([
    ['the CRM fixture', crm, 40],
    ['the sales template', salesApp, 15],
  ] as const)(
    'never mutates, keeps %s valid for the server, and undoes and redoes exactly',
    (_name, make, runs) => {
      fc.assert(
        fc.property(steps, (list) => run(make(), list, seen)),
        { numRuns: Number(process.env.FC_RUNS ?? runs), seed },
      );
    },
  );

  it('exercised every action type', () => {
    expect(Object.keys(ACTION_HANDLERS).filter((t) => !seen.has(t))).toEqual([]);
  });
});
