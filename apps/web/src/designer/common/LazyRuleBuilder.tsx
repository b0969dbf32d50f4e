import { type ComponentType, lazy, Suspense } from 'react';
import { useDesignerText } from '../designer-i18n';
import { JsonEditor } from './JsonEditor';

/** Props of the rule builder (`rules/RuleBuilder.tsx`). */
export interface RuleBuilderProps {
  entityId: string;
  /** JsonLogic, or undefined for no condition. */
  value: unknown;
  onChange(next: unknown): void;
  issues?: Array<{ path: string; message: string }>;
  /** Which operators are offered (default: those of form linkage rules). */
  context?: 'filter' | 'linkage' | 'validation' | 'flow' | 'trigger';
}

const Builder = lazy(async () => {
  const module: Record<string, unknown> = await import('../rules/RuleBuilder');
  return { default: (module.RuleBuilder ?? module.default) as ComponentType<RuleBuilderProps> };
});

/** The visual rule builder, loaded on demand; the JSON text of the rule while it loads. */
export function LazyRuleBuilder(props: RuleBuilderProps & { label: string }) {
  const dt = useDesignerText();
  const { label, ...rest } = props;
  return (
    <div className="rule-editor" data-testid="rule-editor">
      <span className="rule-editor-label">{label}</span>
      <Suspense
        fallback={
          <JsonEditor
            label={dt('formRules.jsonLogic')}
            value={props.value}
            onChange={props.onChange}
            issues={props.issues}
          />
        }
      >
        <Builder {...rest} />
      </Suspense>
    </div>
  );
}
