import { flowRuleFields, type RuleField, VARIABLE_ROOTS } from '@dougong/designer';
import type { DesignerIssue } from '@dougong/designer/check';
import type { AppDocument, Field, Flow, FlowNode, FlowNodeKind } from '@dougong/schema';
import { type ReactNode, useId, useMemo } from 'react';
import { useI18n } from '../../i18n/i18n';
import { useDesigner } from '../designer-context';
import { RuleEditor } from '../rules/RuleEditor';
import { variableChecker } from '../rules/rule-check';
import type { StepPlace } from './FlowInputs';

/** What a node kind's configuration panel gets. */
export interface PanelProps<K extends FlowNodeKind> {
  readonly flow: Flow;
  readonly node: Extract<FlowNode, { kind: K }>;
  readonly place: StepPlace;
  /** The node's issues, with `within` relative to the node (`/branches/0/condition/…`). */
  readonly issues: readonly DesignerIssue[];
  /** Changes properties of the node (`undefined` removes an optional one). */
  patch(patch: Record<string, unknown>): void;
}

/** The entity of a flow's trigger record (none for schedules and webhooks). */
export function triggerEntity(doc: AppDocument, flow: Flow): string | undefined {
  const t = flow.trigger;
  if (t.kind === 'formSubmitted') return doc.forms?.find((f) => f.id === t.form)?.entity;
  return 'entity' in t ? t.entity : undefined;
}

/** The schema field behind a flow variable of the trigger record (`record.amount`). */
export function flowSchemaField(doc: AppDocument, flow: Flow): (path: string) => Field | undefined {
  const entity = doc.entities.find((e) => e.id === triggerEntity(doc, flow));
  return (path) => {
    const [root, key, ...rest] = path.split('.');
    if ((root !== 'record' && root !== 'previous') || rest.length > 0) return undefined;
    return entity?.fields.find((f) => f.key === key);
  };
}

/** Issues of a node under a part of it (`/branches/1/condition`), with pointers relative to that part. */
export function issuesWithin(
  issues: readonly DesignerIssue[],
  part: string,
  locale: 'zh-CN' | 'en',
): Array<{ path: string; message: string }> {
  return issues
    .filter((i) => i.target.within === part || i.target.within.startsWith(`${part}/`))
    .map((i) => ({ path: i.target.within.slice(part.length), message: i.localized?.[locale] ?? i.message }));
}

/** A labelled row of a panel. */
export function Row({ label, children, htmlFor }: { label: string; children: ReactNode; htmlFor?: string }) {
  return (
    <div className="flow-input">
      <label htmlFor={htmlFor}>{label}</label>
      {children}
    </div>
  );
}

/** A select of fixed choices. */
export function Choice<T extends string>({
  label,
  value,
  choices,
  onChange,
  testId,
}: {
  label: string;
  value: T | undefined;
  choices: ReadonlyArray<{ value: T; label: string }>;
  onChange(next: T): void;
  testId?: string;
}) {
  const id = useId();
  return (
    <Row label={label} htmlFor={id}>
      <select
        id={id}
        value={value ?? ''}
        data-testid={testId}
        onChange={(e) => onChange(e.target.value as T)}
      >
        {value === undefined && <option value="" />}
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </Row>
  );
}

/** A checkbox row. */
export function Check({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange(next: boolean): void;
}) {
  return (
    <label className="flow-check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}

/**
 * The rule builder over the run's variables at a step (`record.*`, earlier steps' outputs …), checked
 * live by the rule engine's checker, for branch conditions and waits.
 */
export function FlowRuleEditor({
  place,
  flow,
  value,
  onChange,
  issues,
  label,
}: {
  place: StepPlace;
  flow: Flow;
  value: unknown;
  onChange(next: unknown): void;
  issues?: ReadonlyArray<{ path: string; message: string }>;
  label?: string;
}) {
  const { doc, app } = useDesigner();
  const i18n = useI18n();
  const fields = useMemo(
    () => flowRuleFields(doc, place.flowId, place.nodeId),
    [doc, place.flowId, place.nodeId],
  );
  const check = useMemo(() => variableChecker(fields, 'flow'), [fields]);
  const schemaFieldOf = useMemo(() => flowSchemaField(doc, flow), [doc, flow]);
  const fieldName = (f: RuleField) => {
    const [root, second] = f.path.split('.');
    const node = root === 'nodes' ? flow.nodes.find((n) => n.id === second) : undefined;
    const rootLabel = node
      ? node.label
        ? i18n.label(node.label)
        : node.id
      : root
        ? i18n.label(VARIABLE_ROOTS[root])
        : '';
    const own = i18n.label(f.label);
    return rootLabel && rootLabel !== own ? `${rootLabel} › ${own}` : own;
  };
  return (
    <RuleEditor
      fields={fields}
      context="flow"
      value={value}
      onChange={onChange}
      check={check}
      issues={issues ?? []}
      app={app}
      doc={doc}
      schemaFieldOf={schemaFieldOf}
      fieldName={fieldName}
      {...(label ? { label } : {})}
    />
  );
}

/**
 * "Run as the record is written" for an assignment or score: offered on the start node of a
 * `recordCreated` flow (and shown wherever it is set, with the checker's complaint).
 */
export function InlineCheck({
  flow,
  node,
  issues,
  label,
  patch,
}: {
  flow: Flow;
  node: { id: string; inline?: boolean };
  issues: readonly DesignerIssue[];
  label: string;
  patch(patch: Record<string, unknown>): void;
}) {
  const { locale } = useI18n();
  if (node.inline !== true && (node.id !== flow.start || flow.trigger.kind !== 'recordCreated')) return null;
  return (
    <>
      <Check
        label={label}
        checked={node.inline === true}
        onChange={(on) => patch({ inline: on || undefined })}
      />
      {issuesWithin(issues, '/inline', locale).map((i) => (
        <p key={i.message} className="rule-issue">
          {i.message}
        </p>
      ))}
    </>
  );
}

/** The ✕ button that removes one entry of a list or map in a panel. */
export function RemoveButton({ label, onRemove }: { label: string; onRemove(): void }) {
  return (
    <button type="button" className="link danger" aria-label={label} onClick={onRemove}>
      ✕
    </button>
  );
}

/** A map without one of its keys; undefined when nothing is left (the property is then dropped). */
export function withoutKey<T>(map: Readonly<Record<string, T>>, name: string): Record<string, T> | undefined {
  const { [name]: _, ...rest } = map;
  return Object.keys(rest).length > 0 ? rest : undefined;
}
