import { useI18n } from '../../i18n/i18n';
import { JsonEditor } from '../common/JsonEditor';
import { useDesignerText } from '../designer-i18n';
import { RuleBuilder } from './RuleBuilder';
import type { RuleIssue } from './rule-check';

/** A scoring model as metadata holds it (see `ScoringModelSchema`). */
export interface ScoringModelView {
  attributes: Array<{
    id: string;
    label?: { 'zh-CN'?: string; en?: string };
    condition: unknown;
    points: number;
  }>;
  behaviours: unknown[];
  grades: Array<{ grade: string; min: number }>;
  lowestGrade?: string;
}

function nextId(taken: readonly string[], prefix: string): string {
  for (let n = 1; ; n++) if (!taken.includes(`${prefix}${n}`)) return `${prefix}${n}`;
}

/**
 * A scoring model: attribute conditions (the rule builder over the record's fields) with their points,
 * behaviour conditions (as JSON) and grade thresholds.
 */
export function ScoringEditor({
  entityId,
  model,
  onChange,
  issues = [],
}: {
  entityId: string;
  model: ScoringModelView;
  onChange(next: ScoringModelView): void;
  /** Problems with pointers relative to the model (`/attributes/0/condition/…`). */
  issues?: readonly RuleIssue[];
}) {
  const dt = useDesignerText();
  const { locale } = useI18n();
  const within = (prefix: string) =>
    issues
      .filter((x) => x.path === prefix || x.path.startsWith(`${prefix}/`))
      .map((x) => ({ path: x.path.slice(prefix.length), message: x.message }));
  const setAttr = (i: number, patch: Partial<ScoringModelView['attributes'][number]>) =>
    onChange({ ...model, attributes: model.attributes.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
  return (
    <div className="score-model">
      <span className="section-label">{dt('flows.attributes')}</span>
      {model.attributes.map((a, i) => (
        <div key={a.id} className="score-attribute" data-testid={`score-attribute-${i}`}>
          <div className="pair">
            <input
              aria-label={dt('flows.attributeLabel')}
              value={a.label?.[locale] ?? ''}
              onChange={(e) => setAttr(i, { label: { ...(a.label ?? {}), [locale]: e.target.value } })}
            />
            <input
              type="number"
              aria-label={dt('flows.points')}
              value={a.points}
              onChange={(e) => setAttr(i, { points: Number(e.target.value) })}
            />
            <button
              type="button"
              className="link danger"
              aria-label={dt('flows.removeValue')}
              onClick={() => onChange({ ...model, attributes: model.attributes.filter((_, j) => j !== i) })}
            >
              ✕
            </button>
          </div>
          <RuleBuilder
            entityId={entityId}
            context="filter"
            checkContext="scoring"
            value={a.condition}
            issues={within(`/attributes/${i}/condition`)}
            onChange={(condition) => setAttr(i, { condition })}
          />
        </div>
      ))}
      <button
        type="button"
        onClick={() =>
          onChange({
            ...model,
            attributes: [
              ...model.attributes,
              {
                id: nextId(
                  model.attributes.map((a) => a.id),
                  'attr',
                ),
                condition: true,
                points: 10,
              },
            ],
          })
        }
      >
        + {dt('flows.addAttribute')}
      </button>
      <JsonEditor
        label={dt('rules.behaviours')}
        value={model.behaviours}
        onChange={(behaviours) =>
          onChange({ ...model, behaviours: Array.isArray(behaviours) ? behaviours : [] })
        }
      />
      <span className="section-label">{dt('flows.grades')}</span>
      {model.grades.map((g, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: grades are a plain ordered list
        <div key={i} className="pair">
          <input
            aria-label={dt('flows.grade')}
            value={g.grade}
            onChange={(e) =>
              onChange({
                ...model,
                grades: model.grades.map((x, j) => (j === i ? { ...x, grade: e.target.value } : x)),
              })
            }
          />
          <input
            type="number"
            aria-label={dt('flows.minPoints')}
            value={g.min}
            onChange={(e) =>
              onChange({
                ...model,
                grades: model.grades.map((x, j) => (j === i ? { ...x, min: Number(e.target.value) } : x)),
              })
            }
          />
          <button
            type="button"
            className="link danger"
            aria-label={dt('flows.removeValue')}
            onClick={() => onChange({ ...model, grades: model.grades.filter((_, j) => j !== i) })}
          >
            ✕
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() => onChange({ ...model, grades: [...model.grades, { grade: 'A', min: 60 }] })}
      >
        + {dt('flows.addGrade')}
      </button>
    </div>
  );
}
