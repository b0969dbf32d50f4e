import { useDraggable } from '@dnd-kit/core';
import { type FormDragItem, formPalette } from '@dougong/designer';
import type { Form } from '@dougong/schema';
import { useI18n } from '../../i18n/i18n';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';
import type { DragData } from './form-dnd';

/**
 * The palette: the entity's fields (those on the form already are marked), layout blocks, and new fields by
 * type. Drag an item onto the canvas, or press Enter / click to add it where the selection is.
 */
export function FormPalette({ form, onAdd }: { form: Form; onAdd(drag: FormDragItem, name: string): void }) {
  const { doc } = useDesigner();
  const dt = useDesignerText();
  const { label, locale } = useI18n();
  const palette = formPalette(doc, form.id);
  return (
    <aside className="palette" aria-label={dt('forms.palette')} data-testid="palette">
      <p className="muted small">{dt('forms.paletteHint')}</p>
      <h3>{dt('forms.entityFields')}</h3>
      <ul>
        {palette.fields.map((f) => (
          <li key={f.fieldId}>
            <PaletteItem
              id={`palette-field-${f.fieldId}`}
              drag={{ source: 'field', fieldId: f.fieldId }}
              name={label(f.label)}
              disabled={f.placed}
              hint={f.placed ? dt('forms.placed') : f.key}
              onAdd={onAdd}
            />
          </li>
        ))}
      </ul>
      <h3>{dt('forms.blocks')}</h3>
      <ul>
        {palette.blocks.map((b) => (
          <li key={b.id}>
            <PaletteItem
              id={`palette-block-${b.id}`}
              drag={{ source: 'block', node: b.node }}
              name={b.label[locale]}
              onAdd={onAdd}
            />
          </li>
        ))}
      </ul>
      <h3>{dt('forms.newFields')}</h3>
      {palette.fieldTypes.map((group) => (
        <details key={group.id} open={group.id === 'basic' || group.id === 'choice'}>
          <summary>{group.label[locale]}</summary>
          <ul>
            {group.types.map((t) => (
              <li key={t.type}>
                <PaletteItem
                  id={`palette-type-${t.type}`}
                  drag={{ source: 'newField', fieldType: t.type }}
                  name={t.label[locale]}
                  onAdd={onAdd}
                />
              </li>
            ))}
          </ul>
        </details>
      ))}
    </aside>
  );
}

function PaletteItem({
  id,
  drag,
  name,
  hint,
  disabled,
  onAdd,
}: {
  id: string;
  drag: FormDragItem;
  name: string;
  hint?: string;
  disabled?: boolean;
  onAdd(drag: FormDragItem, name: string): void;
}) {
  const dt = useDesignerText();
  const data: DragData = { drag, name, tab: drag.source === 'block' && drag.node.kind === 'tab' };
  const { setNodeRef, listeners, isDragging } = useDraggable({ id, data, disabled: disabled === true });
  return (
    <button
      type="button"
      ref={setNodeRef}
      className={isDragging ? 'palette-item dragging' : 'palette-item'}
      disabled={disabled}
      onClick={() => onAdd(drag, name)}
      aria-label={dt('forms.addItem', { item: name })}
      data-testid={id}
      {...listeners}
    >
      <span aria-hidden="true">⠿ </span>
      {name}
      {hint && <small> {hint}</small>}
    </button>
  );
}
