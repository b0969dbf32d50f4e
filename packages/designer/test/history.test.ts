import { describe, expect, it } from 'vitest';
import {
  ACTION_HANDLERS,
  canRedo,
  canUndo,
  createDesignerState,
  type DesignerState,
  designerReducer,
  dispatch,
  redo,
  redoLabel,
  undo,
  undoLabel,
} from '../src/index.js';
import { crm, deepFreeze } from './fixture.js';

const rename = (en: string) => ({
  type: 'renameEntity' as const,
  entityId: 'lead',
  label: { 'zh-CN': '线索', en },
});
const addEntity = (en: string) => ({ type: 'addEntity' as const, label: { en } });

describe('history', () => {
  it('undoes and redoes several steps in order, naming them', () => {
    const doc = deepFreeze(crm());
    let state = createDesignerState(doc);
    state = dispatch(state, addEntity('One'));
    const one = state.doc;
    state = dispatch(state, addEntity('Two'));
    const two = state.doc;
    expect(canUndo(state)).toBe(true);
    expect(canRedo(state)).toBe(false);
    expect(undoLabel(state)).toEqual(ACTION_HANDLERS.addEntity.label);
    state = undo(state);
    expect(state.doc).toBe(one);
    expect(redoLabel(state)).toEqual({ 'zh-CN': '新增实体', en: 'Add entity' });
    state = undo(state);
    expect(state.doc).toBe(doc);
    expect(canUndo(state)).toBe(false);
    expect(undo(state)).toBe(state);
    state = redo(redo(state));
    expect(state.doc).toBe(two);
    expect(redo(state)).toBe(state);
  });

  it('restores the selection of each step', () => {
    let state = createDesignerState(crm(), { selection: { kind: 'entity', entityId: 'lead' } });
    state = dispatch(state, addEntity('One'));
    expect(state.selection).toEqual({ kind: 'entity', entityId: 'one' });
    state = undo(state);
    expect(state.selection).toEqual({ kind: 'entity', entityId: 'lead' });
    state = redo(state);
    expect(state.selection).toEqual({ kind: 'entity', entityId: 'one' });
  });

  it('drops the redo stack on a new edit', () => {
    let state = dispatch(createDesignerState(crm()), addEntity('One'));
    state = dispatch(undo(state), addEntity('Two'));
    expect(canRedo(state)).toBe(false);
    expect(state.doc.entities.at(-1)!.id).toBe('two');
  });

  it('keeps at most the history limit, dropping the oldest steps', () => {
    let state = createDesignerState(crm(), { historyLimit: 3 });
    for (const name of ['A', 'B', 'C', 'D', 'E']) state = dispatch(state, addEntity(name));
    expect(state.past).toHaveLength(3);
    while (canUndo(state)) state = undo(state);
    expect(state.doc.entities.map((e) => e.id).slice(-2)).toEqual(['a', 'b']);
  });

  it('records no step for a no-op or a refusal, and remembers the refusal until the next success', () => {
    const doc = deepFreeze(crm());
    let state = dispatch(createDesignerState(doc), rename('Lead'));
    expect(state.past).toHaveLength(0);
    state = dispatch(state, { type: 'removeEntity', entityId: 'ghost' });
    expect(state.doc).toBe(doc);
    expect(state.past).toHaveLength(0);
    expect(state.refusal?.code).toBe('not_found');
    state = dispatch(state, rename('Prospect'));
    expect(state.refusal).toBeNull();
  });

  it('merges typing into one step, and typing back to the start leaves none', () => {
    const doc = deepFreeze(crm());
    let state = createDesignerState(doc);
    state = dispatch(state, rename('Le'));
    state = dispatch(state, rename('Lea'));
    expect(state.past).toHaveLength(1);
    state = dispatch(state, rename('Lead'));
    expect(state.doc).toEqual(doc);
    expect(state.past).toHaveLength(0);
  });

  it('never merges across an undo, a seal or another property', () => {
    let state = dispatch(createDesignerState(crm()), rename('A'));
    state = dispatch(designerReducer(state, { type: 'seal' }), rename('AB'));
    expect(state.past).toHaveLength(2);
    state = dispatch(state, { type: 'renameEntity', entityId: 'lead', key: 'prospect' });
    expect(state.past).toHaveLength(3);
    state = dispatch(undo(state), { type: 'renameEntity', entityId: 'lead', key: 'person' });
    expect(state.past).toHaveLength(3);
  });

  it('selects through the reducer, falling back to the parent of what is gone', () => {
    let state: DesignerState = createDesignerState(crm());
    state = designerReducer(state, {
      type: 'select',
      selection: { kind: 'field', entityId: 'lead', fieldId: 'ghost' },
    });
    expect(state.selection).toEqual({ kind: 'entity', entityId: 'lead' });
    state = designerReducer(state, {
      type: 'select',
      selection: { kind: 'formNodes', formId: 'opportunity_full', nodeIds: ['main', 'ghost'] },
    });
    expect(state.selection).toEqual({ kind: 'formNodes', formId: 'opportunity_full', nodeIds: ['main'] });
    state = designerReducer(state, {
      type: 'select',
      selection: { kind: 'flowNode', flowId: 'welcome', nodeId: 'ghost' },
    });
    expect(state.selection).toEqual({ kind: 'flow', flowId: 'welcome' });
    state = designerReducer(state, { type: 'removeFlow', flowId: 'welcome' });
    expect(state.selection).toBeNull();
  });

  it('loads a new document, clearing history and counting revisions', () => {
    let state = designerReducer(createDesignerState(crm()), addEntity('One'));
    expect(state.revision).toBe(1);
    const fresh = crm();
    state = designerReducer(state, { type: 'load', doc: fresh });
    expect(state.doc).toBe(fresh);
    expect(state.past).toHaveLength(0);
    expect(state.revision).toBe(2);
  });
});
