import { type FlowVariable, flowVariables } from '@dougong/designer';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';

/** Whether a variable can be picked by default: a value, not a structure with parts to choose from. */
export const isValueVariable = (v: FlowVariable) => !(v.children && v.children.length > 0);

/**
 * A button opening the tree of the variables available at a step — the trigger record's fields, the
 * trigger, earlier steps' outputs (marked when a path may skip them), response variables, now, the run —
 * so a variable is always picked, never typed.
 */
export function VariablePicker({
  flowId,
  nodeId,
  onPick,
  accept = isValueVariable,
  label,
  testId,
}: {
  flowId: string;
  nodeId: string | null;
  onPick(variable: FlowVariable): void;
  accept?: (variable: FlowVariable) => boolean;
  label?: string;
  testId?: string;
}) {
  const dt = useDesignerText();
  const { doc } = useDesigner();
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const tree = useMemo(() => flowVariables(doc, flowId, nodeId), [doc, flowId, nodeId]);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) box.current?.querySelector<HTMLInputElement>('input')?.focus();
  }, [open]);
  return (
    <span className="variable-picker">
      <button
        type="button"
        className="link"
        aria-expanded={open}
        data-testid={testId}
        onClick={() => setOpen(!open)}
      >
        {label ?? dt('flows.insertVariable')} ▾
      </button>
      {open && (
        // biome-ignore lint/a11y/noStaticElementInteractions: Escape closes the popover from any control in it
        <div
          className="variable-popover"
          ref={box}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              setOpen(false);
            }
          }}
        >
          <input
            type="search"
            aria-label={dt('flows.searchVariables')}
            placeholder={dt('flows.searchVariables')}
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
          <ul aria-label={dt('flows.variables')}>
            {tree.map((v) => (
              <VariableNode
                key={v.path}
                variable={v}
                q={q.trim().toLowerCase()}
                accept={accept}
                depth={0}
                onPick={(picked) => {
                  onPick(picked);
                  setOpen(false);
                  setQ('');
                }}
              />
            ))}
          </ul>
        </div>
      )}
    </span>
  );
}

function matches(v: FlowVariable, q: string, label: (l: FlowVariable['label']) => string): boolean {
  if (!q) return true;
  if (v.path.toLowerCase().includes(q) || label(v.label).toLowerCase().includes(q)) return true;
  return (v.children ?? []).some((c) => matches(c, q, label));
}

function VariableNode({
  variable,
  q,
  accept,
  depth,
  onPick,
}: {
  variable: FlowVariable;
  q: string;
  accept(v: FlowVariable): boolean;
  depth: number;
  onPick(v: FlowVariable): void;
}) {
  const dt = useDesignerText();
  const { label } = useI18n();
  const [expanded, setExpanded] = useState(depth === 0 && variable.path === 'record');
  if (!matches(variable, q, label)) return null;
  const children = variable.children ?? [];
  const open = expanded || (q !== '' && children.length > 0);
  const pickable = accept(variable);
  return (
    <li>
      <span className="variable-row">
        {children.length > 0 ? (
          <button
            type="button"
            className="link toggle"
            aria-label={`${open ? dt('flows.collapse') : dt('flows.expand')} ${label(variable.label)}`}
            aria-expanded={open}
            onClick={() => setExpanded(!open)}
          >
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="toggle" />
        )}
        {pickable ? (
          <button
            type="button"
            className="link pick"
            data-variable={variable.path}
            onClick={() => onPick(variable)}
          >
            {label(variable.label)}
          </button>
        ) : (
          <span className="group-label">{label(variable.label)}</span>
        )}
        <code className="muted">{variable.path}</code>
        {variable.guaranteed === false && <span className="tag maybe">{dt('flows.mayBeMissing')}</span>}
      </span>
      {open && children.length > 0 && (
        <ul>
          {children.map((c) => (
            <VariableNode key={c.path} variable={c} q={q} accept={accept} depth={depth + 1} onPick={onPick} />
          ))}
        </ul>
      )}
    </li>
  );
}
