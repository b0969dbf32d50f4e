import { FORM_KIND_LABELS, type FormNodePatch, locate } from '@dougong/designer';
import { WIDGETS_BY_TYPE } from '@dougong/forms';
import { type Entity, FORM_KINDS, type Form, type FormKind, type FormNode } from '@dougong/schema';
import { useI18n } from '../../i18n/i18n';
import { BilingualInput } from '../common/BilingualInput';
import { JsonEditor } from '../common/JsonEditor';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';
import { FieldEditor } from '../model/FieldEditor';
import type { KeyMove } from './FormDesigner';

type Tab = Extract<FormNode, { kind: 'tabs' }>['tabs'][number];

/**
 * The property panel: the form's own properties when nothing is selected, the selected item's otherwise
 * (a field's placement and the field itself, a section's title and columns, tabs, texts), with buttons
 * that do what dragging does, and delete for one or many items.
 */
export function FormProperties({
  form,
  entity,
  selectedIds,
  onKeyMove,
  onRemove,
}: {
  form: Form;
  entity: Entity;
  selectedIds: readonly string[];
  onKeyMove(nodeId: string, direction: KeyMove, name: string): void;
  onRemove(): void;
}) {
  const { dispatch, seal } = useDesigner();
  const dt = useDesignerText();
  const { label, locale } = useI18n();

  if (selectedIds.length === 0)
    return (
      <div className="form-properties" data-testid="form-properties">
        <h3>{dt('forms.formProps')}</h3>
        <BilingualInput
          label={dt('forms.label')}
          value={form.label}
          required
          onChange={(next) => dispatch({ type: 'updateForm', formId: form.id, patch: { label: next } })}
          onBlur={seal}
          testId="form-label"
        />
        <label>
          {dt('forms.kind')}
          <select
            value={form.kind}
            onChange={(e) =>
              dispatch({ type: 'updateForm', formId: form.id, patch: { kind: e.target.value as FormKind } })
            }
            data-testid="form-kind"
          >
            {FORM_KINDS.map((k) => (
              <option key={k} value={k}>
                {FORM_KIND_LABELS[k][locale]}
              </option>
            ))}
          </select>
        </label>
        {form.kind === 'public' && form.public && (
          <JsonEditor
            label={dt('forms.publicSettings')}
            value={form.public}
            rows={6}
            onChange={(next) =>
              next &&
              typeof next === 'object' &&
              dispatch({ type: 'updateForm', formId: form.id, patch: { public: next as never } })
            }
          />
        )}
        <p className="muted">
          <code>id: {form.id}</code>
        </p>
        <button
          type="button"
          className="danger"
          onClick={() => dispatch({ type: 'removeForm', formId: form.id })}
        >
          {dt('forms.removeForm')}
        </button>
      </div>
    );

  if (selectedIds.length > 1)
    return (
      <div className="form-properties" data-testid="form-properties">
        <p>{dt('forms.selectedCount', { count: selectedIds.length })}</p>
        <button type="button" className="danger" onClick={onRemove} data-testid="remove-selected-panel">
          {dt('forms.removeSelected', { count: selectedIds.length })}
        </button>
      </div>
    );

  const id = selectedIds[0]!;
  const at = locate(form.layout, id);
  if (!at) return null;
  const item = at.item;
  const patch = (p: FormNodePatch) =>
    dispatch({ type: 'updateFormNode', formId: form.id, nodeId: id, patch: p });
  const isTab = !('kind' in item);
  const field =
    !isTab && item.kind === 'field' ? entity.fields.find((f) => f.id === item.fieldId) : undefined;
  const name = isTab ? label((item as Tab).label) : field ? label(field.label) : id;
  const moves: Array<[KeyMove, string]> = isTab
    ? [
        ['up', dt('forms.moveLeft')],
        ['down', dt('forms.moveRight')],
      ]
    : [
        ['up', dt('forms.moveUp')],
        ['down', dt('forms.moveDown')],
        ['in', dt('forms.moveIn')],
        ['out', dt('forms.moveOut')],
      ];

  let specific: React.ReactNode = null;
  if (isTab) {
    specific = (
      <BilingualInput
        label={dt('forms.tabLabel')}
        value={(item as Tab).label}
        required
        onChange={(next) => patch({ label: next })}
        onBlur={seal}
        testId="node-label"
      />
    );
  } else {
    const node = item as FormNode;
    switch (node.kind) {
      case 'field':
        specific = (
          <>
            <div className="row">
              <label>
                {dt('forms.span')}
                <select
                  value={String(node.span ?? '')}
                  onChange={(e) => patch({ span: e.target.value ? Number(e.target.value) : null })}
                  data-testid="node-span"
                >
                  <option value="">{dt('forms.auto')}</option>
                  {[1, 2, 3, 4].map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </label>
              {field && (
                <label>
                  {dt('forms.widget')}
                  <select
                    value={node.widget ?? ''}
                    onChange={(e) => patch({ widget: (e.target.value || null) as FormNodePatch['widget'] })}
                    data-testid="node-widget"
                  >
                    <option value="">{dt('forms.auto')}</option>
                    {WIDGETS_BY_TYPE[field.type].map((w) => (
                      <option key={w} value={w}>
                        {dt(`widget.${w}` as 'widget.input')}
                      </option>
                    ))}
                  </select>
                </label>
              )}
              <label className="check">
                <input
                  type="checkbox"
                  checked={node.readOnly === true}
                  onChange={(e) => patch({ readOnly: e.target.checked ? true : null })}
                  data-testid="node-readonly"
                />
                {dt('forms.readOnly')}
              </label>
            </div>
            <BilingualInput
              label={dt('forms.labelOverride')}
              value={node.label}
              onChange={(next) => patch({ label: Object.keys(next).length > 0 ? next : null })}
              onBlur={seal}
            />
            {field ? (
              <FieldEditor entity={entity} field={field} compact />
            ) : (
              <p className="error">{dt('forms.missingField')}</p>
            )}
          </>
        );
        break;
      case 'section':
        specific = (
          <>
            <BilingualInput
              label={dt('forms.sectionLabel')}
              value={node.label}
              onChange={(next) => patch({ label: Object.keys(next).length > 0 ? next : null })}
              onBlur={seal}
              testId="node-label"
            />
            <label>
              {dt('forms.columnsLabel')}
              <select
                value={String(node.columns ?? 2)}
                onChange={(e) => patch({ columns: Number(e.target.value) })}
                data-testid="node-columns"
              >
                {[1, 2, 3, 4].map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={node.collapsed === true}
                onChange={(e) => patch({ collapsed: e.target.checked ? true : null })}
              />
              {dt('forms.collapsed')}
            </label>
          </>
        );
        break;
      case 'tabs':
        specific = (
          <>
            <h4>{dt('forms.tabsList')}</h4>
            <ul className="tab-list">
              {node.tabs.map((tab) => (
                <li key={tab.id}>
                  <BilingualInput
                    label={label(tab.label) || tab.id}
                    value={tab.label}
                    required
                    onChange={(next) =>
                      dispatch({
                        type: 'updateFormNode',
                        formId: form.id,
                        nodeId: tab.id,
                        patch: { label: next },
                      })
                    }
                    onBlur={seal}
                  />
                </li>
              ))}
            </ul>
            <button
              type="button"
              onClick={() =>
                dispatch({
                  type: 'addFormNode',
                  formId: form.id,
                  node: { kind: 'tab' },
                  target: { parentId: node.id },
                })
              }
              data-testid="add-tab"
            >
              + {dt('forms.addTab')}
            </button>
          </>
        );
        break;
      case 'text':
        specific = (
          <BilingualInput
            label={dt('forms.text')}
            value={node.text}
            multiline
            required
            onChange={(next) => patch({ text: next })}
            onBlur={seal}
            testId="node-text"
          />
        );
        break;
      case 'divider':
        specific = <p className="muted">{dt('forms.divider')}</p>;
        break;
    }
  }

  return (
    <div className="form-properties" data-testid="form-properties">
      <h3>
        {name} <code>{id}</code>
      </h3>
      <fieldset className="move-buttons">
        <legend className="sr-only">{dt('forms.move')}</legend>
        {moves.map(([direction, text]) => (
          <button
            key={direction}
            type="button"
            onClick={() => onKeyMove(id, direction, name)}
            data-testid={`move-${direction}`}
          >
            {text}
          </button>
        ))}
      </fieldset>
      {specific}
      <button type="button" className="danger" onClick={onRemove} data-testid="remove-node">
        {dt('forms.removeSelected', { count: 1 })}
      </button>
    </div>
  );
}
