import { OPTION_COLORS } from '@dougong/designer';
import type { Entity, Field } from '@dougong/schema';
import { useI18n } from '../../i18n/i18n';
import { SortableList } from '../common/SortableList';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';

type SelectField = Extract<Field, { type: 'singleSelect' | 'multiSelect' }>;

/**
 * The options of a select field: labels in both languages, colours, reordering by drag or keyboard, add
 * and remove (an option still used by a rule or the default is refused, with where it is used).
 */
export function OptionsEditor({ entity, field }: { entity: Entity; field: SelectField }) {
  const { dispatch, seal, select, selection } = useDesigner();
  const dt = useDesignerText();
  const { label } = useI18n();
  const ids = { entityId: entity.id, fieldId: field.id };
  const selectedOption = selection?.kind === 'option' ? selection.optionId : null;
  return (
    <fieldset className="options-editor" data-testid="options-editor">
      <legend>{dt('field.prop.options')}</legend>
      <SortableList
        items={field.options}
        name={(o) => label(o.label)}
        itemTestId={(o) => `option-${o.id}`}
        onMove={(optionId, to) => dispatch({ type: 'moveOption', ...ids, optionId, target: { index: to } })}
        render={(o) => (
          <div
            className={o.id === selectedOption ? 'option-row selected' : 'option-row'}
            onFocusCapture={() => select({ kind: 'option', ...ids, optionId: o.id })}
          >
            <input
              type="color"
              value={o.color ?? OPTION_COLORS[0]}
              aria-label={dt('option.color', { option: label(o.label) })}
              onChange={(e) =>
                dispatch({ type: 'updateOption', ...ids, optionId: o.id, color: e.target.value })
              }
            />
            <input
              value={o.label['zh-CN'] ?? ''}
              lang="zh-CN"
              aria-label={dt('option.labelZh')}
              placeholder={dt('common.zh')}
              onChange={(e) =>
                dispatch({
                  type: 'updateOption',
                  ...ids,
                  optionId: o.id,
                  label: { ...o.label, 'zh-CN': e.target.value },
                })
              }
              onBlur={seal}
              data-testid="option-zh"
            />
            <input
              value={o.label.en ?? ''}
              lang="en"
              aria-label={dt('option.labelEn')}
              placeholder={dt('common.en')}
              onChange={(e) =>
                dispatch({
                  type: 'updateOption',
                  ...ids,
                  optionId: o.id,
                  label: { ...o.label, en: e.target.value },
                })
              }
              onBlur={seal}
              data-testid="option-en"
            />
            <code title={dt('option.id')}>{o.id}</code>
            <button
              type="button"
              className="link danger"
              aria-label={dt('option.remove', { option: label(o.label) })}
              onClick={() => dispatch({ type: 'removeOption', ...ids, optionId: o.id })}
            >
              ✕
            </button>
          </div>
        )}
      />
      <button type="button" onClick={() => dispatch({ type: 'addOption', ...ids })} data-testid="add-option">
        + {dt('option.add')}
      </button>
    </fieldset>
  );
}
