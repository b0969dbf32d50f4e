import { validateAppDocument } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { salesApp } from '../src/index.js';

describe('sales template', () => {
  it('is a valid metadata document', () => {
    const result = validateAppDocument(salesApp());
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('carries the five pipeline stages plus won/lost in order', () => {
    const opportunity = salesApp().entities.find((e) => e.id === 'opportunity')!;
    const stage = opportunity.fields.find((f) => f.id === 'stage');
    expect(stage?.type === 'singleSelect' && stage.options.map((o) => o.label['zh-CN'])).toEqual([
      '初步接洽',
      '需求分析',
      '方案报价',
      '商务谈判',
      '赢单',
      '输单',
    ]);
  });
});
