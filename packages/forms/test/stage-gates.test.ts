import { type AppDocument, appModel, validateAppDocument } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import {
  createFormEngine,
  formFor,
  optionDefaults,
  stageGateIssues,
  stageRequirements,
} from '../src/index.js';

const L = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const doc = {
  schemaVersion: 1,
  key: 'pipe',
  label: L('管道', 'Pipeline'),
  entities: [
    {
      id: 'deal',
      key: 'deal',
      label: L('商机', 'Deal'),
      fields: [
        { id: 'name', key: 'name', type: 'text', label: L('名称', 'Name') },
        {
          id: 'stage',
          key: 'stage',
          type: 'singleSelect',
          label: L('阶段', 'Stage'),
          options: [
            { id: 'open', label: L('初步', 'Open'), defaults: { probability: '10' } },
            {
              id: 'quote',
              label: L('报价', 'Quote'),
              description: L('提交报价', 'Send the quote'),
              requires: ['report', 'amount'],
              defaults: { probability: '50' },
            },
          ],
        },
        { id: 'probability', key: 'probability', type: 'percent', label: L('赢率', 'Probability') },
        { id: 'amount', key: 'amount', type: 'money', label: L('金额', 'Amount') },
        { id: 'report', key: 'report', type: 'attachment', label: L('报告', 'Report') },
      ],
    },
  ],
} as AppDocument;
const deal = appModel(doc).entitiesById.get('deal')!;

describe('stage gates', () => {
  it('are valid metadata only on single-select options naming other fields with fitting defaults', () => {
    expect(validateAppDocument(doc).ok).toBe(true);
    const bad = structuredClone(doc);
    const stage = bad.entities[0]!.fields[1] as { options: Array<Record<string, unknown>> };
    stage.options[1]!.requires = ['stage', 'ghost'];
    stage.options[1]!.defaults = { probability: 'lots' };
    const result = validateAppDocument(bad);
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual([
      '/entities/0/fields/1/options/1/requires/0',
      '/entities/0/fields/1/options/1/requires/1',
      '/entities/0/fields/1/options/1/defaults/probability',
    ]);
  });

  it('block entering an option until its required fields are filled, with pointers, in both languages', () => {
    const entering = { stage: 'quote', report: [], amount: null };
    expect(stageGateIssues(deal, entering, { stage: 'open' }, 'en')).toEqual([
      { path: '/report', message: 'is required to enter “Quote”' },
      { path: '/amount', message: 'is required to enter “Quote”' },
    ]);
    expect(stageGateIssues(deal, entering, null, 'zh-CN')[0]).toEqual({
      path: '/report',
      message: '进入“报价”前必须填写',
    });
    // Already on the option: no re-check; filled: no issue.
    expect(stageGateIssues(deal, entering, { stage: 'quote' }, 'en')).toEqual([]);
    expect(
      stageGateIssues(deal, { stage: 'quote', report: [{ id: 'f' }], amount: '1.00' }, null, 'en'),
    ).toEqual([]);
  });

  it('default values apply on entering unless the write sets them', () => {
    expect(optionDefaults(deal, { stage: 'quote' }, { stage: 'open' })).toEqual({ probability: '50' });
    expect(optionDefaults(deal, { stage: 'quote', probability: '70' }, { stage: 'open' })).toEqual({});
    expect(optionDefaults(deal, { stage: 'quote' }, { stage: 'quote' })).toEqual({});
    expect(optionDefaults(deal, { name: 'x' }, { stage: 'open' })).toEqual({});
  });

  it('forms show the current option’s required fields and report the gate on validation', () => {
    expect([...stageRequirements(deal, { stage: 'quote' })]).toEqual(['report', 'amount']);
    const engine = createFormEngine(doc, formFor(doc, 'deal'), { now: new Date(0), locale: 'en' });
    const evaluated = engine.evaluate({ name: 'A', stage: 'quote' });
    expect(evaluated.fields.report?.required).toBe(true);
    expect(engine.evaluate({ name: 'A', stage: 'open' }).fields.report?.required).toBe(false);
    expect(engine.validate({ name: 'A', stage: 'quote' }, { mode: 'create' })).toEqual([
      { path: '/report', message: 'is required to enter “Quote”' },
      { path: '/amount', message: 'is required to enter “Quote”' },
    ]);
  });
});
