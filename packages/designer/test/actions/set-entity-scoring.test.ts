import type { EntityScoring } from '@dougong/schema';
import { validateAppDocument } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { applied, crm, refused, roundTrip } from '../fixture.js';

const scoring: EntityScoring = {
  scoreField: 'quantity',
  model: {
    attributes: [
      { id: 'has_mobile', condition: { is_not_empty: [{ var: 'mobile' }] }, points: 5 },
      { id: 'deal', condition: { '==': [{ var: 'source' }, 'deal'] }, points: 20 },
    ],
    behaviours: [],
    grades: [{ grade: 'A', min: 20 }],
    lowestGrade: 'B',
  },
};

describe('setEntityScoring', () => {
  it('sets, replaces and removes the scoring of an entity, keeping the document valid', () => {
    const doc = crm();
    doc.entities
      .find((e) => e.id === 'lead')!
      .fields.push({
        id: 'quantity',
        key: 'quantity',
        label: { en: 'Score' },
        type: 'number',
        integer: true,
      });
    const { after } = roundTrip(doc, { type: 'setEntityScoring', entityId: 'lead', scoring });
    expect(after.entities.find((e) => e.id === 'lead')?.scoring).toEqual(scoring);
    expect(validateAppDocument(after).ok).toBe(true);

    const changed = {
      ...scoring,
      model: { ...scoring.model, attributes: scoring.model.attributes.slice(1) },
    };
    const { after: replaced } = roundTrip(after, {
      type: 'setEntityScoring',
      entityId: 'lead',
      scoring: changed,
    });
    expect(replaced.entities.find((e) => e.id === 'lead')?.scoring?.model.attributes).toHaveLength(1);

    const { after: removed } = roundTrip(replaced, {
      type: 'setEntityScoring',
      entityId: 'lead',
      scoring: null,
    });
    expect('scoring' in removed.entities.find((e) => e.id === 'lead')!).toBe(false);
    // Setting what is there, or removing what is not, changes nothing.
    expect(applied(after, { type: 'setEntityScoring', entityId: 'lead', scoring })).toBe(after);
    expect(applied(removed, { type: 'setEntityScoring', entityId: 'lead', scoring: null })).toBe(removed);
  });

  it('refuses unknown entities and fields the entity does not have', () => {
    refused(crm(), { type: 'setEntityScoring', entityId: 'ghost', scoring }, 'not_found');
    refused(crm(), { type: 'setEntityScoring', entityId: 'opportunity_line', scoring }, 'not_allowed');
    refused(
      crm(),
      { type: 'setEntityScoring', entityId: 'lead', scoring: { ...scoring, scoreField: 'nope' } },
      'not_found',
    );
    refused(
      crm(),
      {
        type: 'setEntityScoring',
        entityId: 'lead',
        scoring: { ...scoring, scoreField: 'name', gradeField: 'ghost' },
      },
      'not_found',
    );
  });

  it('refuses fields of the wrong type, as the document check would report them', () => {
    const doc = crm();
    doc.entities
      .find((e) => e.id === 'lead')!
      .fields.push({
        id: 'quantity',
        key: 'quantity',
        label: { en: 'Score' },
        type: 'number',
      });
    const set = (patch: Partial<EntityScoring>) =>
      ({ type: 'setEntityScoring', entityId: 'lead', scoring: { ...scoring, ...patch } }) as const;
    refused(doc, set({ scoreField: 'name' }), 'invalid_value');
    refused(doc, set({ gradeField: 'quantity' }), 'invalid_value');
    refused(doc, set({ breakdownField: 'quantity' }), 'invalid_value');
    const after = applied(doc, set({ gradeField: 'source', breakdownField: 'name' }));
    expect(after.entities.find((e) => e.id === 'lead')?.scoring).toMatchObject({
      gradeField: 'source',
      breakdownField: 'name',
    });
  });
});
