import { useId, useMemo, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';
import { RuleDetail } from './RuleDetail';
import { appRules, RULE_KINDS, type RuleEntry } from './rule-catalog';
import '../flows/flows.css';
import './rules.css';

/**
 * The rules area: every rule of the app by kind — form linkage and validation, assignment, scoring, list
 * filters (role scopes, flow queries), flow trigger and branch conditions — each edited in the rule
 * builder with its problems shown on the offending condition, and tested against sample values or a real
 * record.
 */
export default function RulesArea() {
  const dt = useDesignerText();
  const { label } = useI18n();
  const { doc, selection, select, issues } = useDesigner();
  const entries = useMemo(() => appRules(doc), [doc]);
  const [picked, setPicked] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const fromSelection =
    selection?.kind === 'formRule'
      ? entries.find(
          (e) =>
            e.source.kind === 'formRule' &&
            e.source.formId === selection.formId &&
            e.source.ruleId === selection.ruleId,
        )
      : undefined;
  const current = entries.find((e) => e.key === picked) ?? fromSelection ?? entries[0];
  const shown = entries.filter(
    (e) => !q || `${e.name} ${label(e.where)}`.toLowerCase().includes(q.trim().toLowerCase()),
  );
  const bad = (e: RuleEntry) =>
    issues.some((i) => i.blocking && (i.path === e.path || i.path.startsWith(`${e.path}/`)));

  return (
    <div className="rules-area" data-testid="rules-area">
      <nav className="rules-list" aria-label={dt('rules.list')}>
        <input
          type="search"
          aria-label={dt('rules.search')}
          placeholder={dt('rules.search')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        {RULE_KINDS.map((kind) => {
          const items = shown.filter((e) => e.kind === kind);
          if (items.length === 0) return null;
          return (
            <div key={kind}>
              <h3>
                {dt(`rules.kind.${kind}`)} <span className="muted">{items.length}</span>
              </h3>
              <ul>
                {items.map((e) => (
                  <li key={e.key}>
                    <button
                      type="button"
                      aria-current={e.key === current?.key || undefined}
                      data-testid={`rule-item-${e.key}`}
                      onClick={() => {
                        if (e.source.kind === 'formRule') {
                          setPicked(null);
                          select({ kind: 'formRule', formId: e.source.formId, ruleId: e.source.ruleId });
                        } else setPicked(e.key);
                      }}
                    >
                      <span className={bad(e) ? 'bad' : undefined}>
                        {e.name} {bad(e) && '⚠'}
                      </span>
                      <br />
                      <small className="muted">{label(e.where)}</small>
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
        {entries.length === 0 && <p className="muted">{dt('rules.none')}</p>}
        <NewFormRule
          onAdded={() => {
            setPicked(null);
          }}
        />
      </nav>
      {current ? (
        <RuleDetail key={current.key} entry={current} />
      ) : (
        <p className="empty">{dt('rules.none')}</p>
      )}
    </div>
  );
}

/** Adds a linkage or validation rule to a form (it opens selected, to be built). */
function NewFormRule({ onAdded }: { onAdded(): void }) {
  const dt = useDesignerText();
  const { label, locale } = useI18n();
  const { doc, dispatch } = useDesigner();
  const id = useId();
  const forms = doc.forms ?? [];
  const [formId, setFormId] = useState(forms[0]?.id ?? '');
  const [kind, setKind] = useState<'linkage' | 'validation'>('validation');
  const [refusal, setRefusal] = useState<string | null>(null);
  if (forms.length === 0) return null;
  const form = forms.find((f) => f.id === formId) ?? forms[0]!;
  const firstField = doc.entities.find((e) => e.id === form.entity)?.fields[0]?.key;
  return (
    <form
      className="new-rule"
      data-testid="new-rule"
      onSubmit={(e) => {
        e.preventDefault();
        if (!firstField) return;
        const refused =
          kind === 'linkage'
            ? dispatch({
                type: 'setFormRule',
                formId: form.id,
                ruleKind: 'linkage',
                rule: { when: true, action: 'show', fields: [firstField] },
              })
            : dispatch({
                type: 'setFormRule',
                formId: form.id,
                ruleKind: 'validation',
                rule: {
                  condition: true,
                  message: { 'zh-CN': '请检查该值', en: 'Check this value' },
                  path: firstField,
                },
              });
        setRefusal(refused ? refused.message[locale] : null);
        if (!refused) onAdded();
      }}
    >
      <h3>{dt('rules.newRule')}</h3>
      <label htmlFor={`${id}-f`}>{dt('rules.form')}</label>
      <select
        id={`${id}-f`}
        value={form.id}
        data-testid="new-rule-form"
        onChange={(e) => setFormId(e.target.value)}
      >
        {forms.map((f) => (
          <option key={f.id} value={f.id}>
            {label(f.label)}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-k`}>{dt('rules.ruleKind')}</label>
      <select
        id={`${id}-k`}
        value={kind}
        data-testid="new-rule-kind"
        onChange={(e) => setKind(e.target.value as 'linkage' | 'validation')}
      >
        <option value="validation">{dt('rules.kind.validation')}</option>
        <option value="linkage">{dt('rules.kind.linkage')}</option>
      </select>
      <button type="submit" data-testid="add-rule">
        + {dt('rules.add')}
      </button>
      {refusal && (
        <p className="rule-issue" role="alert">
          {refusal}
        </p>
      )}
    </form>
  );
}
