import { type RuleBuilderContext, ruleFieldsForEntity } from '@dougong/designer';
import type { RuleContextKind } from '@dougong/rules';
import { useMemo } from 'react';
import { useDesigner } from '../designer-context';
import { RuleEditor } from './RuleEditor';
import { checkContextOf, entityChecker } from './rule-check';

/** Props of {@link RuleBuilder}. */
export interface RuleBuilderProps {
  /** The entity whose fields the rule tests (bare keys, as form rules read them); a child entity for sub-table rules. */
  entityId: string;
  /** The rule (JsonLogic), or undefined for none. */
  value: unknown;
  /** Called with the new rule on every edit (`true` when every condition was removed). */
  onChange(next: unknown): void;
  /** Problems from the document check, with pointers into the rule. */
  issues?: Array<{ path: string; message: string }>;
  /** Which operators are offered (default: those of form linkage rules). */
  context?: RuleBuilderContext;
  /** The rule engine's context when it differs from `context` (`assignment`, `scoring`). */
  checkContext?: RuleContextKind;
  /** Accessible name of the editor. */
  label?: string;
}

/**
 * The rule builder over one entity's fields, for any panel of the designer (form linkage and validation
 * rules, list filters, assignment and scoring conditions): nested AND / OR groups, field-aware operators
 * and value pickers, checked live by the rule engine's checker with each problem shown on its condition.
 * Must be rendered inside the designer page (it reads the draft from the designer context).
 * @example <RuleBuilder entityId="opportunity" value={rule.when} onChange={(when) => save({ ...rule, when })} />
 */
export function RuleBuilder({
  entityId,
  value,
  onChange,
  issues,
  context = 'linkage',
  checkContext,
  label,
}: RuleBuilderProps) {
  const { app, doc } = useDesigner();
  const fields = useMemo(() => ruleFieldsForEntity(doc, entityId), [doc, entityId]);
  const check = useMemo(
    () => entityChecker(doc, entityId, checkContext ?? checkContextOf(context)),
    [doc, entityId, context, checkContext],
  );
  const entity = doc.entities.find((e) => e.id === entityId);
  const schemaFieldOf = useMemo(() => (path: string) => entity?.fields.find((f) => f.key === path), [entity]);
  return (
    <RuleEditor
      fields={fields}
      context={context}
      value={value}
      onChange={onChange}
      check={check}
      app={app}
      doc={doc}
      schemaFieldOf={schemaFieldOf}
      {...(issues ? { issues } : {})}
      {...(label ? { label } : {})}
    />
  );
}

export default RuleBuilder;
