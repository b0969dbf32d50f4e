import {
  type Entity,
  type Form,
  type FormLinkageRule,
  type FormValidationRule,
  LINKAGE_ACTIONS,
} from '@dougong/schema';
import { useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { BilingualInput } from '../common/BilingualInput';
import { ItemIssues } from '../common/IssueList';
import { JsonEditor } from '../common/JsonEditor';
import { LazyRuleBuilder } from '../common/LazyRuleBuilder';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';

type Linkage = FormLinkageRule;
type Validation = FormValidationRule;

/**
 * The form's linkage rules (show / hide / require / read-only / set a value while a condition holds) and
 * validation rules (a condition that must hold, with a message on a field), each condition edited with
 * the rule builder (or as JSON).
 */
export function FormRules({ form, entity }: { form: Form; entity: Entity }) {
  const { dispatch } = useDesigner();
  const dt = useDesignerText();
  const { locale } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const firstKey = entity.fields[0]?.key ?? 'name';
  const add = (kind: 'linkage' | 'validation') => {
    const refusal =
      kind === 'linkage'
        ? dispatch({
            type: 'setFormRule',
            formId: form.id,
            ruleKind: 'linkage',
            rule: { when: true, action: 'show', fields: [firstKey] },
          })
        : dispatch({
            type: 'setFormRule',
            formId: form.id,
            ruleKind: 'validation',
            rule: {
              condition: true,
              message: { 'zh-CN': '请检查该字段', en: 'Please check this field' },
              path: firstKey,
            },
          });
    setError(refusal ? refusal.message[locale] : null);
  };
  return (
    <div className="form-rules" data-testid="form-rules">
      <h3>{dt('formRules.linkage')}</h3>
      <p className="muted small">{dt('formRules.linkageHint')}</p>
      {(form.linkage ?? []).map((rule, index, list) => (
        <LinkageRule
          key={rule.id}
          form={form}
          entity={entity}
          rule={rule}
          index={index}
          count={list.length}
        />
      ))}
      <button type="button" onClick={() => add('linkage')} data-testid="add-linkage">
        + {dt('formRules.addLinkage')}
      </button>
      <h3>{dt('formRules.validation')}</h3>
      <p className="muted small">{dt('formRules.validationHint')}</p>
      {(form.validation ?? []).map((rule, index, list) => (
        <ValidationRule
          key={rule.id}
          form={form}
          entity={entity}
          rule={rule}
          index={index}
          count={list.length}
        />
      ))}
      <button type="button" onClick={() => add('validation')} data-testid="add-validation">
        + {dt('formRules.addValidation')}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** A condition, edited with the rule builder (which has its own JSON mode). */
function Condition({
  label,
  entityId,
  value,
  onChange,
  issues,
  testId,
  context,
}: {
  label: string;
  entityId: string;
  value: unknown;
  onChange(next: unknown): void;
  issues: Array<{ path: string; message: string }>;
  testId: string;
  context: 'linkage' | 'validation';
}) {
  return (
    <div className="condition-editor" data-testid={testId}>
      <LazyRuleBuilder
        label={label}
        entityId={entityId}
        value={value}
        onChange={onChange}
        issues={issues}
        context={context}
      />
    </div>
  );
}

function useRuleIssues(form: Form, ruleId: string, part: string) {
  const { issues } = useDesigner();
  return issues
    .filter(
      (i) =>
        i.target.selection?.kind === 'formRule' &&
        i.target.selection.formId === form.id &&
        i.target.selection.ruleId === ruleId,
    )
    .map((i) => ({ path: i.target.within, message: i.message }))
    .filter((i) => part === '' || i.path === `/${part}` || i.path.startsWith(`/${part}/`))
    .map((i) => ({ path: part ? i.path.slice(part.length + 1) : i.path, message: i.message }));
}

function RuleHeader({
  form,
  ruleId,
  index,
  count,
  title,
}: {
  form: Form;
  ruleId: string;
  index: number;
  count: number;
  title: string;
}) {
  const { dispatch, select, selection } = useDesigner();
  const dt = useDesignerText();
  const selected = selection?.kind === 'formRule' && selection.ruleId === ruleId;
  return (
    <header className="rule-header">
      <button
        type="button"
        className={selected ? 'link selected' : 'link'}
        onClick={() => select({ kind: 'formRule', formId: form.id, ruleId })}
      >
        {title} <code>{ruleId}</code>
      </button>
      <span className="spacer" />
      <button
        type="button"
        className="link"
        disabled={index === 0}
        aria-label={dt('dnd.up', { item: ruleId })}
        onClick={() =>
          dispatch({ type: 'moveFormRule', formId: form.id, ruleId, target: { index: index - 1 } })
        }
      >
        ↑
      </button>
      <button
        type="button"
        className="link"
        disabled={index === count - 1}
        aria-label={dt('dnd.down', { item: ruleId })}
        onClick={() =>
          dispatch({ type: 'moveFormRule', formId: form.id, ruleId, target: { index: index + 1 } })
        }
      >
        ↓
      </button>
      <button
        type="button"
        className="link danger"
        aria-label={dt('formRules.remove', { rule: ruleId })}
        onClick={() => dispatch({ type: 'removeFormRule', formId: form.id, ruleId })}
      >
        ✕
      </button>
    </header>
  );
}

function LinkageRule({
  form,
  entity,
  rule,
  index,
  count,
}: {
  form: Form;
  entity: Entity;
  rule: Linkage;
  index: number;
  count: number;
}) {
  const { dispatch } = useDesigner();
  const dt = useDesignerText();
  const { label } = useI18n();
  const set = (next: Partial<Linkage>) => {
    const { id: _, ...rest } = { ...rule, ...next };
    dispatch({ type: 'setFormRule', formId: form.id, ruleKind: 'linkage', rule: { id: rule.id, ...rest } });
  };
  const all = useRuleIssues(form, rule.id, '');
  const { issues } = useDesigner();
  const outside = issues.filter(
    (i) =>
      i.target.selection?.kind === 'formRule' &&
      i.target.selection.ruleId === rule.id &&
      !i.target.within.startsWith('/when'),
  );
  return (
    <article className="rule" data-testid={`linkage-${rule.id}`}>
      <RuleHeader
        form={form}
        ruleId={rule.id}
        index={index}
        count={count}
        title={dt('formRules.linkageRule')}
      />
      <ItemIssues issues={outside} />
      <label>
        {dt('formRules.action')}
        <select
          value={rule.action}
          onChange={(e) => set({ action: e.target.value as Linkage['action'] })}
          data-testid="linkage-action"
        >
          {LINKAGE_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {dt(`formRules.action.${a}`)}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="rule-fields">
        <legend>{dt('formRules.fields')}</legend>
        {entity.fields.map((f) => (
          <label key={f.id} className="check">
            <input
              type="checkbox"
              checked={rule.fields.includes(f.key)}
              onChange={(e) => {
                const next = e.target.checked
                  ? [...rule.fields, f.key]
                  : rule.fields.filter((k) => k !== f.key);
                if (next.length > 0) set({ fields: next });
              }}
              data-testid={`linkage-field-${f.key}`}
            />
            {label(f.label)}
          </label>
        ))}
      </fieldset>
      <Condition
        label={dt('formRules.when')}
        entityId={entity.id}
        value={rule.when}
        onChange={(next) => set({ when: next ?? true })}
        issues={all.filter((i) => i.path.startsWith('/when')).map((i) => ({ ...i, path: i.path.slice(5) }))}
        testId="linkage-when"
        context="linkage"
      />
      {rule.action === 'setValue' && (
        <JsonEditor
          label={dt('formRules.value')}
          value={rule.value}
          onChange={(next) => set({ value: next })}
        />
      )}
    </article>
  );
}

function ValidationRule({
  form,
  entity,
  rule,
  index,
  count,
}: {
  form: Form;
  entity: Entity;
  rule: Validation;
  index: number;
  count: number;
}) {
  const { dispatch, seal } = useDesigner();
  const dt = useDesignerText();
  const { label } = useI18n();
  const set = (next: Partial<Validation>) => {
    const { id: _, ...rest } = { ...rule, ...next };
    dispatch({
      type: 'setFormRule',
      formId: form.id,
      ruleKind: 'validation',
      rule: { id: rule.id, ...rest },
    });
  };
  const when = useRuleIssues(form, rule.id, 'when');
  const condition = useRuleIssues(form, rule.id, 'condition');
  return (
    <article className="rule" data-testid={`validation-${rule.id}`}>
      <RuleHeader
        form={form}
        ruleId={rule.id}
        index={index}
        count={count}
        title={dt('formRules.validationRule')}
      />
      <label>
        {dt('formRules.path')}
        <select value={rule.path} onChange={(e) => set({ path: e.target.value })}>
          {entity.fields.map((f) => (
            <option key={f.id} value={f.key}>
              {label(f.label)}
            </option>
          ))}
        </select>
      </label>
      <Condition
        label={dt('formRules.condition')}
        entityId={entity.id}
        value={rule.condition}
        onChange={(next) => set({ condition: next ?? true })}
        issues={condition}
        testId="validation-condition"
        context="validation"
      />
      <label className="check">
        <input
          type="checkbox"
          checked={rule.when !== undefined}
          onChange={(e) => {
            if (e.target.checked) set({ when: true });
            else {
              const { id, when: _, ...rest } = rule;
              dispatch({
                type: 'setFormRule',
                formId: form.id,
                ruleKind: 'validation',
                rule: { id, ...rest },
              });
            }
          }}
        />
        {dt('formRules.onlyWhen')}
      </label>
      {rule.when !== undefined && (
        <Condition
          label={dt('formRules.when')}
          entityId={entity.id}
          value={rule.when}
          onChange={(next) => set({ when: next ?? true })}
          issues={when}
          testId="validation-when"
          context="validation"
        />
      )}
      <BilingualInput
        label={dt('formRules.message')}
        value={rule.message}
        required
        onChange={(next) => set({ message: next })}
        onBlur={seal}
      />
    </article>
  );
}
