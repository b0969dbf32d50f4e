// @dougong/designer/check — checks a designer document the way the server checks a draft. A separate
// entry point because it brings the document validator (ajv) and the ReDoS checker: the UI can load it
// lazily, or in a worker, without slowing the designer's first paint.

export { check, type DesignerIssue, type IssueSource, issuesAt } from './check/designer-check.js';
