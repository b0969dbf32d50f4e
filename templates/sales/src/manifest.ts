import type { TemplatePackage } from '@dougong/template-kit';
import { salesDemoData } from './demo/demo-generator.js';
import { SALES_TEMPLATE, salesApp } from './sales-app.js';

/**
 * The sales template as a package: manifest, the app document it installs (as `sales` by default) and
 * its demo-data generator. Bump `SALES_TEMPLATE.version` with every change of the document: installed
 * apps are upgraded by merging the change with their customer's edits.
 */
export function salesTemplate(): TemplatePackage {
  return {
    id: SALES_TEMPLATE.id,
    version: SALES_TEMPLATE.version,
    name: { 'zh-CN': '销售管理', en: 'Sales management' },
    description: {
      'zh-CN': '从线索获取、分配与跟进到商机管道、赢单与输单分析的销售管理应用。',
      en: 'Sales management from lead capture, assignment and follow-up to a managed pipeline of won and lost deals.',
    },
    appKey: 'sales',
    document: salesApp(),
    demoData: salesDemoData,
  };
}
