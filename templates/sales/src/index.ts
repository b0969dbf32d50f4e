export { type DemoCompany, demoCompany, demoMobile, salesDemoData } from './demo/demo-generator.js';
export { salesTemplate } from './manifest.js';
export { SALES_TEMPLATE, salesApp } from './sales-app.js';
export { salesCaptureHooks } from './sales-capture.js';
export { PRODUCT_A_URL, salesFlows, WHITEPAPER_A_URL } from './sales-flows.js';
export {
  leadAssignmentRules,
  leadScoring,
  OPEN_LEAD_STATUSES,
  RECYCLE_AFTER_DAYS,
} from './sales-rules.js';
