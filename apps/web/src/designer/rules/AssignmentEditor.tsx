import { useI18n } from '../../i18n/i18n';
import { JsonEditor } from '../common/JsonEditor';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';
import { RuleBuilder } from './RuleBuilder';
import { DirectorySelect } from './RuleValueInput';
import type { RuleIssue } from './rule-check';

/** An assignment target as flow metadata allows it: a role, a user, a department, a team or a lookup. */
type Target =
  | { role: string }
  | { user: string }
  | { department: string }
  | { team: string }
  | { lookup: { entity: string; match: Record<string, string>; field: string } };
type TargetKind = 'role' | 'user' | 'department' | 'team' | 'lookup';
const TARGET_KINDS: readonly TargetKind[] = ['role', 'user', 'department', 'team', 'lookup'];
const STRATEGIES = ['fixed', 'round-robin', 'least-loaded', 'weighted'] as const;
type Strategy = (typeof STRATEGIES)[number];

/** One rule of an assignment rule set. */
export interface AssignmentRuleView {
  id: string;
  condition: unknown;
  target: Target;
  strategy: Strategy;
  weights?: Record<string, number>;
}

/** An assignment rule set: rules tried in order (first match wins) and the fallback. */
export interface AssignmentRuleSetView {
  rules: AssignmentRuleView[];
  fallback?: { target: Target; strategy: Strategy; weights?: Record<string, number> };
}

const kindOf = (t: Target | undefined): TargetKind =>
  t ? ((Object.keys(t)[0] as TargetKind | undefined) ?? 'role') : 'role';

function defaultTarget(kind: TargetKind): Target {
  switch (kind) {
    case 'role':
      return { role: '' };
    case 'user':
      return { user: '' };
    case 'department':
      return { department: '' };
    case 'team':
      return { team: '' };
    case 'lookup':
      return { lookup: { entity: '', match: {}, field: '' } };
  }
}

function TargetEditor({ target, onChange }: { target: Target | undefined; onChange(next: Target): void }) {
  const dt = useDesignerText();
  const { doc } = useDesigner();
  const { label } = useI18n();
  const kind = kindOf(target);
  const value = target ? (Object.values(target)[0] as unknown) : '';
  return (
    <span className="assign-target">
      <select
        aria-label={dt('assign.targetKind')}
        value={kind}
        onChange={(e) => onChange(defaultTarget(e.target.value as TargetKind))}
      >
        {TARGET_KINDS.map((k) => (
          <option key={k} value={k}>
            {dt(`assign.target.${k}`)}
          </option>
        ))}
      </select>
      {kind === 'role' && (
        <select
          aria-label={dt('assign.target.role')}
          value={String(value ?? '')}
          onChange={(e) => onChange({ role: e.target.value })}
        >
          <option value="">{dt('rules.choose')}</option>
          {(doc.roles ?? []).map((r) => (
            <option key={r.key} value={r.key}>
              {label(r.label)}
            </option>
          ))}
        </select>
      )}
      {(kind === 'user' || kind === 'department') && (
        <DirectorySelect
          kind={kind}
          label={dt(`assign.target.${kind}`)}
          value={typeof value === 'string' && value ? value : undefined}
          onChange={(id) => onChange(kind === 'user' ? { user: id ?? '' } : { department: id ?? '' })}
        />
      )}
      {kind === 'team' && (
        <input
          aria-label={dt('assign.target.team')}
          value={String(value ?? '')}
          onChange={(e) => onChange({ team: e.target.value })}
        />
      )}
      {kind === 'lookup' && (
        <JsonEditor
          label={dt('assign.target.lookup')}
          value={value}
          onChange={(lookup) =>
            onChange({ lookup: lookup as { entity: string; match: Record<string, string>; field: string } })
          }
        />
      )}
    </span>
  );
}

function StrategySelect({ value, onChange }: { value: Strategy; onChange(next: Strategy): void }) {
  const dt = useDesignerText();
  return (
    <select
      aria-label={dt('assign.strategy')}
      value={value}
      onChange={(e) => onChange(e.target.value as Strategy)}
    >
      {STRATEGIES.map((s) => (
        <option key={s} value={s}>
          {dt(`assign.strategy.${s}`)}
        </option>
      ))}
    </select>
  );
}

/**
 * An assignment rule set (first match wins, then the fallback): each rule's condition in the rule builder
 * over the record's fields, who it assigns to and how (fixed, round-robin, least loaded, weighted).
 */
export function AssignmentEditor({
  entityId,
  value,
  onChange,
  issues = [],
}: {
  entityId: string;
  value: unknown;
  onChange(next: AssignmentRuleSetView): void;
  /** Problems with pointers relative to the rule set (`/rules/0/condition/…`). */
  issues?: readonly RuleIssue[];
}) {
  const dt = useDesignerText();
  const set = (value && typeof value === 'object' ? value : { rules: [] }) as AssignmentRuleSetView;
  const rules = Array.isArray(set.rules) ? set.rules : [];
  const setRule = (i: number, rule: AssignmentRuleView) =>
    onChange({ ...set, rules: rules.map((r, j) => (j === i ? rule : r)) });
  const within = (prefix: string) =>
    issues
      .filter((x) => x.path === prefix || x.path.startsWith(`${prefix}/`))
      .map((x) => ({ path: x.path.slice(prefix.length), message: x.message }));
  return (
    <div className="assignment-editor">
      <ol className="assign-rules">
        {rules.map((rule, i) => (
          <li key={rule.id} data-testid={`assign-rule-${i}`}>
            <div className="pair">
              <strong>{dt('assign.ruleN', { n: i + 1 })}</strong>
              <TargetEditor target={rule.target} onChange={(target) => setRule(i, { ...rule, target })} />
              <StrategySelect
                value={rule.strategy}
                onChange={(strategy) => setRule(i, { ...rule, strategy })}
              />
              <button
                type="button"
                className="link"
                disabled={i === 0}
                aria-label={dt('assign.moveUp')}
                onClick={() => {
                  const next = [...rules];
                  [next[i - 1], next[i]] = [next[i]!, next[i - 1]!];
                  onChange({ ...set, rules: next });
                }}
              >
                ↑
              </button>
              <button
                type="button"
                className="link danger"
                aria-label={dt('assign.removeRule')}
                onClick={() => onChange({ ...set, rules: rules.filter((_, j) => j !== i) })}
              >
                ✕
              </button>
            </div>
            <RuleBuilder
              entityId={entityId}
              context="filter"
              checkContext="assignment"
              value={rule.condition}
              issues={within(`/rules/${i}/condition`)}
              onChange={(condition) => setRule(i, { ...rule, condition })}
            />
          </li>
        ))}
      </ol>
      <button
        type="button"
        onClick={() =>
          onChange({
            ...set,
            rules: [
              ...rules,
              { id: nextRuleId(rules), condition: true, target: { role: '' }, strategy: 'round-robin' },
            ],
          })
        }
      >
        + {dt('assign.addRule')}
      </button>
      <div className="pair assign-fallback">
        <label className="flow-check">
          <input
            type="checkbox"
            checked={set.fallback !== undefined}
            onChange={(e) => {
              const { fallback: _, ...rest } = set;
              onChange(
                e.target.checked
                  ? { ...rest, fallback: { target: { role: '' }, strategy: 'least-loaded' } }
                  : rest,
              );
            }}
          />
          {dt('assign.fallback')}
        </label>
        {set.fallback && (
          <>
            <TargetEditor
              target={set.fallback.target}
              onChange={(target) => onChange({ ...set, fallback: { ...set.fallback!, target } })}
            />
            <StrategySelect
              value={set.fallback.strategy}
              onChange={(strategy) => onChange({ ...set, fallback: { ...set.fallback!, strategy } })}
            />
          </>
        )}
      </div>
    </div>
  );
}

function nextRuleId(rules: readonly AssignmentRuleView[]): string {
  for (let n = 1; ; n++) if (!rules.some((r) => r.id === `rule${n}`)) return `rule${n}`;
}
