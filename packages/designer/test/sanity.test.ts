import { checkFlows } from '@dougong/flows';
import { checkFormRules } from '@dougong/forms';
import { validateAppDocument } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { crm } from './fixture.js';

describe('fixture', () => {
  it('is a valid document for every server check', () => {
    const doc = crm();
    const result = validateAppDocument(doc);
    expect(result.ok ? [] : result.issues).toEqual([]);
    expect(checkFormRules(doc)).toEqual([]);
    expect(checkFlows(doc)).toEqual([]);
  });
});
