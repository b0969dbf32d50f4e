import type { Selection } from '@dougong/designer';
import type { DesignerIssue } from '@dougong/designer/check';
import { navigate } from '../../app/router';
import { useI18n } from '../../i18n/i18n';
import { useDesigner } from '../designer-context';

/** The designer area that shows a selection. */
export function areaOf(selection: Selection): 'model' | 'forms' | 'flows' | 'rules' {
  switch (selection?.kind) {
    case 'form':
    case 'formNodes':
    case 'formRule':
      return 'forms';
    case 'flow':
    case 'flowNode':
      return 'flows';
    case 'role':
      return 'rules';
    default:
      return 'model';
  }
}

/** The text of an issue in the UI language (the designer's own warnings are translated). */
export function issueText(issue: DesignerIssue, locale: 'zh-CN' | 'en'): string {
  return issue.localized ? issue.localized[locale] : issue.message;
}

/** Issues as a list; each one opens what it is about. */
export function IssueList({ issues }: { issues: readonly DesignerIssue[] }) {
  const { app, select } = useDesigner();
  const { locale } = useI18n();
  return (
    <ul className="issue-list">
      {issues.map((issue) => (
        <li key={`${issue.path}\n${issue.message}`} className={issue.blocking ? 'blocking' : 'warning'}>
          <button
            type="button"
            className="link"
            onClick={() => {
              select(issue.target.selection);
              navigate(`/design/${app}/${areaOf(issue.target.selection)}`);
            }}
          >
            <code>{issue.path || '/'}</code>
          </button>{' '}
          {issueText(issue, locale)}
        </li>
      ))}
    </ul>
  );
}

/** The issues of one item, shown inline next to it (nothing when there are none). */
export function ItemIssues({ issues, testId }: { issues: readonly DesignerIssue[]; testId?: string }) {
  const { locale } = useI18n();
  if (issues.length === 0) return null;
  return (
    <ul className="item-issues" role="alert" data-testid={testId}>
      {issues.map((issue) => (
        <li key={`${issue.path}\n${issue.message}`} className={issue.blocking ? 'blocking' : 'warning'}>
          {issueText(issue, locale)} <code>{issue.target.within || issue.path}</code>
        </li>
      ))}
    </ul>
  );
}
