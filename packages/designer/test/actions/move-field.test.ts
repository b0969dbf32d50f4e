import { describe, expect, it } from 'vitest';
import { createDesignerState, dispatch } from '../../src/index.js';
import { crm, deepFreeze, refused, roundTrip } from '../fixture.js';

const keys = (doc: ReturnType<typeof crm>) =>
  doc.entities.find((e) => e.id === 'lead')!.fields.map((f) => f.id);

describe('moveField', () => {
  it('moves before, after and to an index', () => {
    expect(
      keys(
        roundTrip(crm(), {
          type: 'moveField',
          entityId: 'lead',
          fieldId: 'source',
          target: { beforeId: 'name' },
        }).after,
      ),
    ).toEqual(['source', 'name', 'mobile']);
    expect(
      keys(
        roundTrip(crm(), {
          type: 'moveField',
          entityId: 'lead',
          fieldId: 'name',
          target: { afterId: 'mobile' },
        }).after,
      ),
    ).toEqual(['mobile', 'name', 'source']);
    expect(
      keys(
        roundTrip(crm(), { type: 'moveField', entityId: 'lead', fieldId: 'name', target: { index: 99 } })
          .after,
      ),
    ).toEqual(['mobile', 'source', 'name']);
  });

  it('leaves no step when the field stays', () => {
    const doc = deepFreeze(crm());
    const state = dispatch(createDesignerState(doc), {
      type: 'moveField',
      entityId: 'lead',
      fieldId: 'mobile',
      target: { afterId: 'name' },
    });
    expect(state.doc).toBe(doc);
    expect(state.past).toHaveLength(0);
  });

  it('refuses unknown fields and targets', () => {
    refused(
      crm(),
      { type: 'moveField', entityId: 'lead', fieldId: 'ghost', target: { index: 0 } },
      'not_found',
    );
    refused(
      crm(),
      { type: 'moveField', entityId: 'lead', fieldId: 'name', target: { beforeId: 'ghost' } },
      'not_found',
    );
  });
});
