import {
  addCondition,
  addGroup,
  operatorsFor,
  RULE_OPERATORS,
  type RuleBuilderContext,
  type RuleCondition,
  type RuleField,
  type RuleGroup,
  type RuleOperator,
  removeRuleNode,
  ruleFromJsonLogic,
  ruleNodeAtPath,
  ruleToJsonLogic,
  ruleTreeIssues,
  updateCondition,
  updateGroup,
} from '@dougong/designer';
import type { AppDocument, Field } from '@dougong/schema';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { useDesignerText } from '../designer-i18n';
import { RuleValueInput } from './RuleValueInput';
import type { RuleChecker, RuleIssue } from './rule-check';
import './rules.css';

/** Props of {@link RuleEditor}. */
export interface RuleEditorProps {
  /** What conditions can test (their `path` is what the rule reads). */
  readonly fields: readonly RuleField[];
  /** Which operators are offered (no "is me" in flows). */
  readonly context: RuleBuilderContext;
  /** The rule (JsonLogic), or undefined for none (an empty rule: always true). */
  readonly value: unknown;
  onChange(next: unknown): void;
  /** The rule engine's checker, run live on every change. */
  readonly check?: RuleChecker;
  /** Further problems (e.g. from the document check), with pointers into the rule. */
  readonly issues?: ReadonlyArray<RuleIssue>;
  readonly app: string;
  readonly doc: AppDocument;
  /** The schema field behind a rule field (reference targets, pickers). */
  readonly schemaFieldOf?: (path: string) => Field | undefined;
  /** How a field is named in the field menu (default: its label). */
  readonly fieldName?: (field: RuleField) => string;
  /** Accessible name of the whole editor. */
  readonly label?: string;
}

type Mode = { mode: 'builder'; tree: RuleGroup } | { mode: 'advanced'; text: string };

const json = (value: unknown) => JSON.stringify(value === undefined ? true : value, null, 2);

function parse(value: unknown, fields: readonly RuleField[], context: RuleBuilderContext): Mode {
  const parsed = ruleFromJsonLogic(value, fields, context);
  return parsed.mode === 'builder' ? parsed : { mode: 'advanced', text: json(value) };
}

/**
 * A rule as nested AND / OR groups of conditions, with operators and value pickers suited to each
 * field's type; every change is emitted as the rule language (JsonLogic) and checked live: the checker's
 * problems, unfinished conditions and the given issues show on the condition they concern. A rule the
 * builder cannot show exactly opens in the advanced (JSON) editor.
 */
export function RuleEditor(props: RuleEditorProps) {
  const { fields, context, value, onChange } = props;
  const dt = useDesignerText();
  const [mode, setMode] = useState<Mode>(() => parse(value, fields, context));
  const [jsonError, setJsonError] = useState(false);
  // The last rule this editor emitted: a new `value` prop that differs came from elsewhere (undo, another
  // panel) and is parsed again; the editor's own echo keeps the tree (ids, empty groups) as it is.
  const emitted = useRef<string>(JSON.stringify(value ?? true));
  useEffect(() => {
    const incoming = JSON.stringify(value ?? true);
    if (incoming === emitted.current) return;
    emitted.current = incoming;
    setMode(parse(value, fields, context));
    setJsonError(false);
  }, [value, fields, context]);

  const emit = (logic: unknown) => {
    emitted.current = JSON.stringify(logic ?? true);
    onChange(logic);
  };
  const commit = (tree: RuleGroup) => {
    setMode({ mode: 'builder', tree });
    emit(ruleToJsonLogic(tree, fields));
  };

  const logic = mode.mode === 'builder' ? ruleToJsonLogic(mode.tree, fields) : value;
  const checked = useMemo(() => props.check?.(logic) ?? [], [props.check, logic]);
  const allIssues = [...checked, ...(props.issues ?? [])];

  return (
    <section className="rule-builder" aria-label={props.label ?? dt('rules.rule')}>
      <div className="rule-mode">
        <button
          type="button"
          className="link"
          aria-pressed={mode.mode === 'advanced'}
          onClick={() => {
            if (mode.mode === 'builder') setMode({ mode: 'advanced', text: json(logic) });
            else {
              const next = parse(value, fields, context);
              if (next.mode === 'builder') setMode(next);
            }
          }}
          disabled={mode.mode === 'advanced' && parse(value, fields, context).mode !== 'builder'}
        >
          {mode.mode === 'builder' ? dt('rules.editJson') : dt('rules.useBuilder')}
        </button>
      </div>
      {mode.mode === 'builder' ? (
        <BuilderView {...props} tree={mode.tree} issues={allIssues} commit={commit} />
      ) : (
        <div className="rule-advanced">
          {parse(value, fields, context).mode !== 'builder' && (
            <p className="muted">{dt('rules.advancedOnly')}</p>
          )}
          <textarea
            aria-label={dt('rules.json')}
            rows={8}
            spellCheck={false}
            value={mode.text}
            aria-invalid={jsonError || allIssues.length > 0}
            onChange={(e) => {
              setMode({ mode: 'advanced', text: e.target.value });
              try {
                const parsed: unknown = JSON.parse(e.target.value);
                setJsonError(false);
                emit(parsed);
              } catch {
                setJsonError(true);
              }
            }}
          />
          {jsonError && (
            <p className="rule-issue" role="alert">
              {dt('rules.badJson')}
            </p>
          )}
          {allIssues.map((issue) => (
            <p key={`${issue.path}|${issue.message}`} className="rule-issue" role="alert">
              <code>{issue.path || '/'}</code> {issue.message}
            </p>
          ))}
        </div>
      )}
    </section>
  );
}

interface BuilderProps extends RuleEditorProps {
  readonly tree: RuleGroup;
  readonly issues: readonly RuleIssue[];
  commit(tree: RuleGroup): void;
}

function BuilderView(props: BuilderProps) {
  const { tree, fields, context } = props;
  const { label } = useI18n();
  // Every problem lands on the deepest condition or group its pointer falls in.
  const byNode = new Map<string, string[]>();
  const add = (id: string, message: string) => {
    const list = byNode.get(id) ?? [];
    if (!list.includes(message)) byNode.set(id, [...list, message]);
  };
  for (const issue of props.issues) add(ruleNodeAtPath(tree, fields, issue.path) ?? tree.id, issue.message);
  for (const issue of ruleTreeIssues(tree, fields, context)) add(issue.id, label(issue.message));
  return <GroupView {...props} group={tree} depth={0} problems={byNode} />;
}

function GroupView(
  props: BuilderProps & { group: RuleGroup; depth: number; problems: ReadonlyMap<string, string[]> },
) {
  const { group, tree, commit, fields, context, depth, problems } = props;
  const dt = useDesignerText();
  const id = useId();
  const first = fields[0];
  const mine = problems.get(group.id) ?? [];
  return (
    <fieldset
      className={`rule-group depth-${depth % 3}`}
      data-rule-node={group.id}
      data-invalid={mine.length > 0 || undefined}
    >
      <legend>
        <label htmlFor={`${id}-c`} className="sr-only">
          {dt('rules.combinator')}
        </label>
        <select
          id={`${id}-c`}
          data-testid="rule-combinator"
          value={group.combinator}
          onChange={(e) =>
            commit(updateGroup(tree, group.id, { combinator: e.target.value as 'and' | 'or' }))
          }
        >
          <option value="and">{dt('rules.all')}</option>
          <option value="or">{dt('rules.any')}</option>
        </select>
        <label className="rule-not">
          <input
            type="checkbox"
            checked={group.negate === true}
            onChange={(e) => commit(updateGroup(tree, group.id, { negate: e.target.checked }))}
          />
          {dt('rules.not')}
        </label>
        {depth > 0 && (
          <button
            type="button"
            className="link"
            aria-label={dt('rules.removeGroup')}
            onClick={() => commit(removeRuleNode(tree, group.id))}
          >
            ✕
          </button>
        )}
      </legend>
      {group.children.length === 0 && depth === 0 && <p className="muted">{dt('rules.alwaysTrue')}</p>}
      <ul className="rule-children">
        {group.children.map((child) => (
          <li key={child.id}>
            {child.kind === 'group' ? (
              <GroupView {...props} group={child} depth={depth + 1} />
            ) : (
              <ConditionRow {...props} condition={child} problems={problems.get(child.id) ?? []} />
            )}
          </li>
        ))}
      </ul>
      {mine.map((m) => (
        <p key={m} className="rule-issue" role="alert">
          {m}
        </p>
      ))}
      <div className="rule-add">
        <button
          type="button"
          data-testid="rule-add-condition"
          disabled={!first}
          onClick={() => first && commit(addCondition(tree, group.id, first, context))}
        >
          + {dt('rules.addCondition')}
        </button>
        {depth < 4 && (
          <button
            type="button"
            data-testid="rule-add-group"
            onClick={() => commit(addGroup(tree, group.id, group.combinator === 'and' ? 'or' : 'and'))}
          >
            + {dt('rules.addGroup')}
          </button>
        )}
      </div>
    </fieldset>
  );
}

function ConditionRow(props: BuilderProps & { condition: RuleCondition; problems: readonly string[] }) {
  const { condition, tree, commit, fields, context, problems } = props;
  const dt = useDesignerText();
  const { label } = useI18n();
  const id = useId();
  const field = fields.find((f) => f.path === condition.field);
  const operators: readonly RuleOperator[] = field ? operatorsFor(field.type, context) : [condition.operator];
  const name = props.fieldName ?? ((f: RuleField) => label(f.label));
  return (
    <div
      className="rule-condition"
      data-rule-node={condition.id}
      data-invalid={problems.length > 0 || undefined}
    >
      <div className="rule-line">
        <label htmlFor={`${id}-f`} className="sr-only">
          {dt('rules.field')}
        </label>
        <select
          id={`${id}-f`}
          data-testid="rule-field"
          value={condition.field}
          onChange={(e) => {
            const next = fields.find((f) => f.path === e.target.value);
            if (next) commit(updateCondition(tree, condition.id, { field: next }, context));
          }}
        >
          {!field && <option value={condition.field}>{condition.field}</option>}
          {fields.map((f) => (
            <option key={f.path} value={f.path}>
              {name(f)}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-o`} className="sr-only">
          {dt('rules.operator')}
        </label>
        <select
          id={`${id}-o`}
          data-testid="rule-operator"
          value={condition.operator}
          onChange={(e) =>
            commit(updateCondition(tree, condition.id, { operator: e.target.value as RuleOperator }, context))
          }
        >
          {operators.map((op) => (
            <option key={op} value={op}>
              {label(RULE_OPERATORS[op].label)}
            </option>
          ))}
        </select>
        {field && (
          <RuleValueInput
            id={`${id}-v`}
            field={field}
            operator={condition.operator}
            value={condition.value}
            invalid={problems.length > 0}
            app={props.app}
            doc={props.doc}
            {...(props.schemaFieldOf?.(field.path) ? { schemaField: props.schemaFieldOf(field.path)! } : {})}
            onChange={(v) => commit(updateCondition(tree, condition.id, { value: v }, context))}
          />
        )}
        <button
          type="button"
          className="link"
          aria-label={dt('rules.removeCondition')}
          onClick={() => commit(removeRuleNode(tree, condition.id))}
        >
          ✕
        </button>
      </div>
      {problems.map((m) => (
        <p key={m} className="rule-issue" role="alert">
          {m}
        </p>
      ))}
    </div>
  );
}
