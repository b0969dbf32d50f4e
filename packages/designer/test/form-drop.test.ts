import { describe, expect, it } from 'vitest';
import {
  applyAction,
  FORM_BLOCKS,
  formPalette,
  keyboardFormMove,
  locate,
  resolveFormDrop,
} from '../src/index.js';
import { crm } from './fixture.js';

const F = 'opportunity_full';

describe('form drag and drop', () => {
  it('turns a palette field dropped after a node into addFormNode', () => {
    const doc = crm();
    const drop = resolveFormDrop(
      doc,
      F,
      { source: 'field', fieldId: 'close_date' },
      { overId: 'f-amount', position: 'after' },
    );
    expect(drop).toEqual({
      ok: true,
      noop: false,
      action: {
        type: 'addFormNode',
        formId: F,
        node: { kind: 'field', fieldId: 'close_date' },
        target: { afterId: 'f-amount' },
      },
    });
  });

  it('drops blocks on the empty area and into sections and tabs', () => {
    const doc = crm();
    expect(
      resolveFormDrop(
        doc,
        F,
        { source: 'block', node: { kind: 'divider' } },
        { overId: null, position: 'inside', index: 0 },
      ),
    ).toMatchObject({
      ok: true,
      action: { target: { parentId: null, index: 0 } },
    });
    expect(
      resolveFormDrop(
        doc,
        F,
        { source: 'block', node: { kind: 'text' } },
        { overId: 'tab-notes', position: 'inside' },
      ),
    ).toMatchObject({
      ok: true,
      action: { target: { parentId: 'tab-notes' } },
    });
    expect(
      resolveFormDrop(
        doc,
        F,
        { source: 'block', node: { kind: 'tab' } },
        { overId: 'more', position: 'inside' },
      ),
    ).toMatchObject({ ok: true });
  });

  it('creates and places a new field in one action', () => {
    const doc = crm();
    const drop = resolveFormDrop(
      doc,
      F,
      { source: 'newField', fieldType: 'phone', label: { en: 'Contact phone' } },
      { overId: 'main', position: 'inside' },
    );
    expect(drop.ok && drop.action).toMatchObject({
      type: 'addField',
      entityId: 'opportunity',
      fieldType: 'phone',
      place: { formId: F, target: { parentId: 'main' } },
    });
    const result = applyAction(doc, (drop as { action: Parameters<typeof applyAction>[1] }).action);
    expect(result.ok && locate(result.doc.forms![0]!.layout, 'f-contact-phone')?.parentId).toBe('main');
  });

  it('moves canvas items and says when nothing would change', () => {
    const doc = crm();
    expect(
      resolveFormDrop(
        doc,
        F,
        { source: 'canvas', nodeId: 'f-stage' },
        { overId: 'f-name', position: 'before' },
      ),
    ).toMatchObject({
      ok: true,
      noop: false,
      action: { type: 'moveFormNode', nodeId: 'f-stage', target: { beforeId: 'f-name' } },
    });
    expect(
      resolveFormDrop(
        doc,
        F,
        { source: 'canvas', nodeId: 'f-account' },
        { overId: 'f-name', position: 'after' },
      ),
    ).toMatchObject({ ok: true, noop: true });
  });

  it('refuses with a reason: a field twice, into a field, tabs in a field, a node into a tabs block, into itself', () => {
    const doc = crm();
    const reason = (
      drag: Parameters<typeof resolveFormDrop>[2],
      over: Parameters<typeof resolveFormDrop>[3],
    ) => {
      const drop = resolveFormDrop(doc, F, drag, over);
      expect(drop.ok).toBe(false);
      return (drop as { refusal: { code: string; message: { en: string } } }).refusal;
    };
    expect(reason({ source: 'field', fieldId: 'stage' }, { overId: null, position: 'inside' }).code).toBe(
      'already_placed',
    );
    expect(
      reason({ source: 'block', node: { kind: 'tabs' } }, { overId: 'f-name', position: 'inside' }),
    ).toMatchObject({
      code: 'invalid_target',
      message: { en: 'Only sections and tabs hold other items' },
    });
    expect(reason({ source: 'canvas', nodeId: 'f-name' }, { overId: 'more', position: 'inside' }).code).toBe(
      'invalid_target',
    );
    expect(reason({ source: 'canvas', nodeId: 'main' }, { overId: 'f-name', position: 'after' }).code).toBe(
      'invalid_target',
    );
    expect(
      reason({ source: 'canvas', nodeId: 'tab-lines' }, { overId: 'f-name', position: 'before' }).code,
    ).toBe('invalid_target');
    expect(reason({ source: 'canvas', nodeId: 'ghost' }, { overId: null, position: 'inside' }).code).toBe(
      'not_found',
    );
  });

  it('moves with the keyboard: up, down, out of a container, into the section above', () => {
    const doc = crm();
    expect(keyboardFormMove(doc, F, 'f-account', 'up')).toMatchObject({
      ok: true,
      action: { target: { beforeId: 'f-name' } },
    });
    expect(keyboardFormMove(doc, F, 'f-account', 'down')).toMatchObject({
      ok: true,
      action: { target: { afterId: 'f-amount' } },
    });
    expect(keyboardFormMove(doc, F, 'f-name', 'up')).toMatchObject({
      ok: false,
      refusal: { code: 'invalid_target' },
    });
    expect(keyboardFormMove(doc, F, 'f-name', 'out')).toMatchObject({
      ok: true,
      action: { target: { afterId: 'main' } },
    });
    expect(keyboardFormMove(doc, F, 'hint', 'out')).toMatchObject({
      ok: true,
      action: { target: { afterId: 'more' } },
    });
    expect(keyboardFormMove(doc, F, 'rule1', 'in')).toMatchObject({
      ok: true,
      action: { target: { parentId: 'main' } },
    });
    expect(keyboardFormMove(doc, F, 'main', 'out')).toMatchObject({ ok: false });
  });

  it('offers the entity fields (placed ones flagged), blocks and new field types', () => {
    const palette = formPalette(crm(), F);
    expect(palette.fields.filter((f) => !f.placed).map((f) => f.fieldId)).toEqual([
      'close_date',
      'tags',
      'notes',
      'summary',
    ]);
    expect(palette.blocks).toBe(FORM_BLOCKS);
    expect(palette.fieldTypes.flatMap((g) => g.types.map((t) => t.type))).toHaveLength(22);
  });
});
