import { useId } from 'react';
import { useI18n } from '../../i18n/i18n';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';
import { AssignmentEditor } from '../rules/AssignmentEditor';
import { DirectoryList } from '../rules/RuleValueInput';
import { MinutesInput, TemplateInput, ValueInput } from './FlowInputs';
import { Check, Choice, InlineCheck, issuesWithin, type PanelProps, Row, triggerEntity } from './panel-kit';

/** Sends an e-mail: recipients (addresses or people), subject and body templates, tracking. */
export function SendEmailPanel({ node, place, patch }: PanelProps<'sendEmail'>) {
  const dt = useDesignerText();
  return (
    <div className="panel-section">
      <ValueInput
        place={place}
        label={dt('flows.emailTo')}
        value={node.to}
        placeholder="name@example.cn"
        testId="email-to"
        onChange={(to) => patch({ to })}
      />
      <ValueInput
        place={place}
        label={dt('flows.emailToUsers')}
        value={node.toUsers}
        onChange={(toUsers) => patch({ toUsers })}
      />
      <ValueInput
        place={place}
        label={dt('flows.toManagerOf')}
        value={node.toManagerOf}
        onChange={(toManagerOf) => patch({ toManagerOf })}
      />
      <TemplateInput
        place={place}
        label={dt('flows.subject')}
        value={node.subject}
        testId="email-subject"
        onChange={(subject) => patch({ subject })}
      />
      <TemplateInput
        place={place}
        label={dt('flows.body')}
        value={node.body}
        multiline
        testId="email-body"
        onChange={(body) => patch({ body })}
      />
      <Check
        label={dt('flows.trackOpens')}
        checked={node.trackOpens === true}
        onChange={(v) => patch({ trackOpens: v || undefined })}
      />
      <Check
        label={dt('flows.trackLinks')}
        checked={node.trackLinks === true}
        onChange={(v) => patch({ trackLinks: v || undefined })}
      />
    </div>
  );
}

/** Notifies people in the inbox, or a DingTalk / WeCom group robot. */
export function NotifyPanel({ node, place, patch }: PanelProps<'notify'>) {
  const dt = useDesignerText();
  const { seal } = useDesigner();
  const id = useId();
  return (
    <div className="panel-section">
      <Choice
        label={dt('flows.channel')}
        value={node.channel}
        choices={[
          { value: 'inbox', label: dt('flows.channel.inbox') },
          { value: 'dingtalk', label: dt('flows.channel.dingtalk') },
          { value: 'wecom', label: dt('flows.channel.wecom') },
        ]}
        onChange={(channel) => patch({ channel, ...(channel === 'inbox' ? { webhook: undefined } : {}) })}
      />
      {node.channel === 'inbox' ? (
        <ValueInput
          place={place}
          label={dt('flows.notifyTo')}
          value={node.to}
          placeholder={dt('flows.recordOwner')}
          onChange={(to) => patch({ to })}
        />
      ) : (
        <Row label={dt('flows.robotSecret')} htmlFor={id}>
          <input
            id={id}
            value={node.webhook?.secret ?? ''}
            onChange={(e) => patch({ webhook: e.target.value ? { secret: e.target.value } : undefined })}
            onBlur={seal}
          />
        </Row>
      )}
      <TemplateInput
        place={place}
        label={dt('flows.title')}
        value={node.title}
        testId="notify-title"
        onChange={(title) => patch({ title })}
      />
      <TemplateInput
        place={place}
        label={dt('flows.text')}
        value={node.text}
        multiline
        testId="notify-text"
        onChange={(text) => patch({ text })}
      />
    </div>
  );
}

/** Creates a task for someone (the record's owner by default) with a due time and a reminder. */
export function CreateTaskPanel({ node, place, patch }: PanelProps<'createTask'>) {
  const dt = useDesignerText();
  return (
    <div className="panel-section">
      <TemplateInput
        place={place}
        label={dt('flows.taskTitle')}
        value={node.title}
        testId="task-title"
        onChange={(title) => patch({ title })}
      />
      <ValueInput
        place={place}
        label={dt('flows.assignee')}
        value={node.assignee}
        placeholder={dt('flows.recordOwner')}
        onChange={(assignee) => patch({ assignee })}
      />
      <MinutesInput
        label={dt('flows.dueIn')}
        value={node.dueInMinutes}
        optional
        onChange={(dueInMinutes) => patch({ dueInMinutes })}
      />
      <MinutesInput
        label={dt('flows.remindBefore')}
        value={node.remindBeforeMinutes}
        optional
        onChange={(remindBeforeMinutes) => patch({ remindBeforeMinutes })}
      />
    </div>
  );
}

/** Assigns an owner with an assignment rule set. */
export function AssignOwnerPanel({ flow, node, issues, patch }: PanelProps<'assignOwner'>) {
  const dt = useDesignerText();
  const { locale, label } = useI18n();
  const { doc } = useDesigner();
  const entityId = triggerEntity(doc, flow);
  const entity = doc.entities.find((e) => e.id === entityId);
  if (!entityId) return <p className="rule-issue">{dt('flows.needsRecord')}</p>;
  return (
    <div className="panel-section">
      <AssignmentEditor
        entityId={entityId}
        value={node.rules}
        issues={issuesWithin(issues, '/rules', locale)}
        onChange={(rules) => patch({ rules })}
      />
      <Choice
        label={dt('flows.explanationField')}
        value={node.explanationField}
        choices={[
          { value: '', label: dt('flows.noField') },
          ...(entity?.fields ?? [])
            .filter((f) => f.type === 'text' || f.type === 'longText')
            .map((f) => ({ value: f.key, label: label(f.label) })),
        ]}
        onChange={(explanationField) => patch({ explanationField: explanationField || undefined })}
      />
      <InlineCheck flow={flow} node={node} issues={issues} label={dt('flows.inlineAssign')} patch={patch} />
    </div>
  );
}

type Approvers =
  | { kind: 'user'; users: string[] }
  | { kind: 'role'; role: string }
  | { kind: 'departmentHead' }
  | { kind: 'manager'; levels: number };

/** An approval: who approves (people, a role, the department head, managers), all or any, a timeout. */
export function ApprovalPanel({ node, patch }: PanelProps<'approval'>) {
  const dt = useDesignerText();
  const { doc } = useDesigner();
  const { label } = useI18n();
  const approvers = node.approvers as Approvers;
  const id = useId();
  return (
    <div className="panel-section">
      <Choice
        label={dt('flows.approvers')}
        value={approvers.kind}
        choices={[
          { value: 'departmentHead', label: dt('flows.approvers.departmentHead') },
          { value: 'manager', label: dt('flows.approvers.manager') },
          { value: 'role', label: dt('flows.approvers.role') },
          { value: 'user', label: dt('flows.approvers.user') },
        ]}
        onChange={(kind) =>
          patch({
            approvers:
              kind === 'user'
                ? { kind, users: [] }
                : kind === 'role'
                  ? { kind, role: doc.roles?.[0]?.key ?? '' }
                  : kind === 'manager'
                    ? { kind, levels: 1 }
                    : { kind },
          })
        }
      />
      {approvers.kind === 'user' && (
        <DirectoryList
          kind="user"
          label={dt('flows.approvers.user')}
          value={approvers.users}
          onChange={(users) => patch({ approvers: { kind: 'user', users } })}
        />
      )}
      {approvers.kind === 'role' && (
        <Choice
          label={dt('flows.approvers.role')}
          value={approvers.role}
          choices={(doc.roles ?? []).map((r) => ({ value: r.key, label: label(r.label) }))}
          onChange={(role) => patch({ approvers: { kind: 'role', role } })}
        />
      )}
      {approvers.kind === 'manager' && (
        <Row label={dt('flows.levels')} htmlFor={id}>
          <input
            id={id}
            type="number"
            min={1}
            max={10}
            value={approvers.levels}
            onChange={(e) =>
              patch({
                approvers: {
                  kind: 'manager',
                  levels: Math.min(10, Math.max(1, Number(e.target.value) || 1)),
                },
              })
            }
          />
        </Row>
      )}
      <Choice
        label={dt('flows.approvalMode')}
        value={node.mode}
        choices={[
          { value: 'any', label: dt('flows.approvalAny') },
          { value: 'all', label: dt('flows.approvalAll') },
        ]}
        onChange={(mode) => patch({ mode })}
      />
      <MinutesInput
        label={dt('flows.timeoutAfter')}
        value={node.timeoutMinutes}
        optional
        onChange={(timeoutMinutes) => patch({ timeoutMinutes: timeoutMinutes || undefined })}
      />
      <Check
        label={dt('flows.escalate')}
        checked={node.escalate === true}
        onChange={(v) => patch({ escalate: v || undefined })}
      />
    </div>
  );
}
