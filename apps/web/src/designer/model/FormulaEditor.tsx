import type { DesignerIssue } from '@dougong/designer/check';
import type { Entity, Field } from '@dougong/schema';
import { useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { ItemIssues } from '../common/IssueList';
import { JsonEditor } from '../common/JsonEditor';
import { LazyRuleBuilder } from '../common/LazyRuleBuilder';
import { useDesignerText } from '../designer-i18n';

type FormulaField = Extract<Field, { type: 'formula' }>;

/**
 * A formula's expression: a yes/no formula is a condition, built with the rule builder; other results
 * are JsonLogic expressions (with a picker that inserts a field), checked by the rule checker live.
 */
export function FormulaEditor({
  entity,
  field,
  issues,
  onChange,
}: {
  entity: Entity;
  field: FormulaField;
  issues: readonly DesignerIssue[];
  onChange(value: unknown): void;
}) {
  const dt = useDesignerText();
  const { label } = useI18n();
  const [insert, setInsert] = useState('');
  const within = issues.map((i) => ({
    path: i.target.within.replace(/^\/expression/, ''),
    message: i.message,
  }));
  if (field.resultType === 'boolean')
    return (
      <LazyRuleBuilder
        label={dt('field.prop.expression')}
        entityId={entity.id}
        value={field.expression === '' ? undefined : field.expression}
        onChange={(next) => onChange(next ?? true)}
        issues={within}
      />
    );
  const others = entity.fields.filter((f) => f.id !== field.id && f.type !== 'subTable');
  return (
    <div className="formula-editor" data-testid="formula-editor">
      <JsonEditor
        label={dt('field.prop.expression')}
        value={field.expression}
        onChange={(next) => onChange(next ?? '')}
        rows={5}
        testId="field-expression"
      />
      <label>
        {dt('formula.insertField')}
        <select
          value={insert}
          onChange={(e) => {
            const key = e.target.value;
            setInsert('');
            if (!key) return;
            const read = { var: key };
            const current = field.expression;
            // An empty formula becomes the field; otherwise the field is appended to a text concatenation.
            if (current === '' || current === undefined || current === null) onChange(read);
            else if (typeof current === 'object' && current !== null && 'cat' in current)
              onChange({ cat: [...((current as { cat: unknown[] }).cat ?? []), read] });
            else onChange({ cat: [current, read] });
          }}
        >
          <option value="">—</option>
          {others.map((f) => (
            <option key={f.id} value={f.key}>
              {label(f.label)} ({f.key})
            </option>
          ))}
        </select>
      </label>
      <small>{dt('formula.hint')}</small>
      <ItemIssues issues={issues} />
    </div>
  );
}
