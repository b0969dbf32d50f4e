import { describe, expect, it } from 'vitest';
import { createDesignerState, dispatch } from '../../src/index.js';
import { crm, deepFreeze, refused, roundTrip } from '../fixture.js';

const ids = (doc: ReturnType<typeof crm>) =>
  (
    doc.entities.find((e) => e.id === 'opportunity')!.fields.find((f) => f.id === 'stage') as {
      options: Array<{ id: string }>;
    }
  ).options.map((o) => o.id);

describe('moveOption', () => {
  it('reorders options', () => {
    expect(
      ids(
        roundTrip(crm(), {
          type: 'moveOption',
          entityId: 'opportunity',
          fieldId: 'stage',
          optionId: 'lost',
          target: { index: 0 },
        }).after,
      ),
    ).toEqual(['lost', 'new', 'won']);
    expect(
      ids(
        roundTrip(crm(), {
          type: 'moveOption',
          entityId: 'opportunity',
          fieldId: 'stage',
          optionId: 'new',
          target: { afterId: 'lost' },
        }).after,
      ),
    ).toEqual(['won', 'lost', 'new']);
  });

  it('is a no-op in place', () => {
    const doc = deepFreeze(crm());
    const state = dispatch(createDesignerState(doc), {
      type: 'moveOption',
      entityId: 'opportunity',
      fieldId: 'stage',
      optionId: 'won',
      target: { beforeId: 'lost' },
    });
    expect(state.doc).toBe(doc);
    expect(state.past).toHaveLength(0);
  });

  it('refuses unknown options', () => {
    refused(
      crm(),
      {
        type: 'moveOption',
        entityId: 'opportunity',
        fieldId: 'stage',
        optionId: 'ghost',
        target: { index: 0 },
      },
      'not_found',
    );
    refused(
      crm(),
      {
        type: 'moveOption',
        entityId: 'opportunity',
        fieldId: 'stage',
        optionId: 'won',
        target: { beforeId: 'ghost' },
      },
      'not_found',
    );
  });
});
