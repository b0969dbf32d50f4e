import type { FormEngine, FormEvaluation } from '@dougong/forms';
import type { AppDocument, Entity, Field, FormNode } from '@dougong/schema';
import { type CSSProperties, useId, useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { displayValue } from '../lib/fields';
import { FieldInput } from './FieldInput';

/** Props of {@link FormView}. */
export interface FormViewProps {
  engine: FormEngine;
  doc: AppDocument;
  app: string;
  entity: Entity;
  evaluation: FormEvaluation;
  editing: boolean;
  /** Errors by JSON Pointer (`/name`, `/lines/0/qty`). */
  errors: Record<string, string>;
  expanded?: Record<string, Record<string, unknown> | null>;
  onChange(key: string, value: unknown): void;
  /** A reference inside a sub-table row changed: the page may fill other cells (data linkage). */
  onRowReference?(
    subTableKey: string,
    rowIndex: number,
    fieldKey: string,
    value: unknown,
    rows: Array<Record<string, unknown>>,
  ): void;
}

/**
 * Renders a form's layout (sections with columns, tabs, fields, dividers, text) from the same metadata the
 * designer edits; in view mode values are shown by their labels, in edit mode with inputs.
 */
export function FormView(props: FormViewProps) {
  return (
    <div className="form" data-testid="record-form">
      <Nodes nodes={props.engine.form.layout} columns={2} {...props} />
    </div>
  );
}

function Nodes({
  nodes,
  columns,
  ...props
}: FormViewProps & { nodes: readonly FormNode[]; columns: number }) {
  const { label } = useI18n();
  return (
    <div className="grid" style={{ '--cols': columns } as CSSProperties}>
      {nodes.map((node) => {
        switch (node.kind) {
          case 'section':
            return (
              <section key={node.id} className="form-section full">
                {node.label && <h2>{label(node.label)}</h2>}
                <Nodes nodes={node.children} columns={node.columns ?? 2} {...props} />
              </section>
            );
          case 'tabs':
            return <Tabs key={node.id} node={node} {...props} />;
          case 'divider':
            return <hr key={node.id} className="full" />;
          case 'text':
            return (
              <p key={node.id} className="full">
                {label(node.text)}
              </p>
            );
          case 'field':
            return <FieldNode key={node.id} node={node} {...props} />;
          default:
            return null;
        }
      })}
    </div>
  );
}

function Tabs({ node, ...props }: FormViewProps & { node: Extract<FormNode, { kind: 'tabs' }> }) {
  const { label } = useI18n();
  const [active, setActive] = useState(node.tabs[0]?.id);
  const baseId = useId();
  return (
    <div className="tabs full">
      <div role="tablist">
        {node.tabs.map((tab) => (
          <button
            key={tab.id}
            type="button"
            role="tab"
            id={`${baseId}-${tab.id}`}
            aria-selected={active === tab.id}
            aria-controls={`${baseId}-${tab.id}-panel`}
            onClick={() => setActive(tab.id)}
          >
            {label(tab.label)}
          </button>
        ))}
      </div>
      {node.tabs.map((tab) => (
        <div
          key={tab.id}
          role="tabpanel"
          id={`${baseId}-${tab.id}-panel`}
          aria-labelledby={`${baseId}-${tab.id}`}
          hidden={active !== tab.id}
        >
          <Nodes nodes={tab.children} columns={2} {...props} />
        </div>
      ))}
    </div>
  );
}

function FieldNode({ node, ...props }: FormViewProps & { node: Extract<FormNode, { kind: 'field' }> }) {
  const { label, t } = useI18n();
  const id = useId();
  const field = props.entity.fields.find((f) => f.id === node.fieldId);
  if (!field) return null;
  const state = props.evaluation.fields[field.key] ?? { visible: true, required: false, readOnly: false };
  if (!state.visible) return null;
  const error = props.errors[`/${field.key}`];
  const help = node.help ?? field.help;
  const value = props.evaluation.values[field.key];
  const span =
    node.span ??
    (field.type === 'subTable' || field.type === 'longText' || field.type === 'richText' ? 99 : 1);
  const readOnly = state.readOnly || node.readOnly === true;
  return (
    <div
      className="form-field"
      style={span > 1 ? { gridColumn: span >= 99 ? '1 / -1' : `span ${span}` } : undefined}
      data-field={field.key}
    >
      <label htmlFor={id} className={state.required && props.editing ? 'required' : undefined}>
        {label(node.label ?? field.label)}
      </label>
      {field.type === 'subTable' ? (
        <SubTable {...props} field={field} id={id} readOnly={!props.editing || readOnly} />
      ) : props.editing && !readOnly ? (
        <FieldInput
          id={id}
          field={field}
          value={value}
          app={props.app}
          doc={props.doc}
          readOnly={false}
          invalid={Boolean(error)}
          describedBy={error ? `${id}-error` : help ? `${id}-help` : undefined}
          placeholder={label(node.placeholder ?? field.placeholder) || undefined}
          onChange={(v) => props.onChange(field.key, v)}
        />
      ) : (
        <div id={id} className="value">
          {displayValue(field, value, {
            label,
            t,
            doc: props.doc,
            ...(props.expanded ? { expanded: props.expanded } : {}),
          })}
        </div>
      )}
      {help && !error && (
        <span id={`${id}-help`} className="help">
          {label(help)}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

function SubTable(
  props: FormViewProps & { field: Extract<Field, { type: 'subTable' }>; id: string; readOnly: boolean },
) {
  const { label, t } = useI18n();
  const child = props.doc.entities.find((e) => e.id === props.field.childEntity);
  if (!child) return null;
  const rows = (
    Array.isArray(props.evaluation.values[props.field.key]) ? props.evaluation.values[props.field.key] : []
  ) as Array<Record<string, unknown>>;
  const columns = child.fields;
  const setRows = (next: Array<Record<string, unknown>>) => props.onChange(props.field.key, next);
  const totals = columns.filter(
    (f) => f.type === 'money' || f.type === 'formula' || (f.type === 'number' && f.integer),
  );
  const sum = (f: Field) => {
    // Decimal-exact: digits are added as integers scaled by the largest number of decimals.
    const texts = rows
      .map((r) => r[f.key])
      .filter((v) => v !== null && v !== undefined && v !== '')
      .map(String);
    if (texts.length === 0 || texts.some((v) => !/^-?\d+(\.\d+)?$/.test(v))) return null;
    const scale = Math.max(...texts.map((v) => v.split('.')[1]?.length ?? 0));
    const total = texts.reduce((acc, v) => {
      const [i = '0', d = ''] = v.replace('-', '').split('.');
      const n = BigInt(i + d.padEnd(scale, '0'));
      return acc + (v.startsWith('-') ? -n : n);
    }, 0n);
    const abs = (total < 0n ? -total : total).toString().padStart(scale + 1, '0');
    return `${total < 0n ? '-' : ''}${scale ? `${abs.slice(0, -scale)}.${abs.slice(-scale)}` : abs}`;
  };
  return (
    <div className="subtable table-wrap" id={props.id}>
      <table>
        <thead>
          <tr>
            {columns.map((f) => (
              <th key={f.id} scope="col">
                {label(f.label)}
              </th>
            ))}
            {!props.readOnly && (
              <th scope="col" className="sr-only">
                {t('record.removeRow')}
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={String(row.id ?? `new-${index}`)}>
              {columns.map((f) => {
                const state = props.evaluation.rows[props.field.key]?.[index]?.[f.key];
                const error = props.errors[`/${props.field.key}/${index}/${f.key}`];
                return (
                  <td key={f.id}>
                    {props.readOnly || state?.readOnly || f.type === 'formula' ? (
                      displayValue(f, row[f.key], { label, t, doc: props.doc })
                    ) : (
                      <FieldInput
                        id={`${props.id}-${index}-${f.key}`}
                        field={f}
                        value={row[f.key]}
                        app={props.app}
                        doc={props.doc}
                        readOnly={false}
                        invalid={Boolean(error)}
                        onChange={(v) => {
                          const next = rows.map((r, i) => (i === index ? { ...r, [f.key]: v } : r));
                          setRows(next);
                          if (f.type === 'reference')
                            props.onRowReference?.(props.field.key, index, f.key, v, next);
                        }}
                      />
                    )}
                    {error && <span className="field-error">{error}</span>}
                  </td>
                );
              })}
              {!props.readOnly && (
                <td>
                  <button
                    type="button"
                    className="link"
                    aria-label={t('record.moveUp')}
                    disabled={index === 0}
                    onClick={() => setRows(swap(rows, index, index - 1))}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="link"
                    aria-label={t('record.moveDown')}
                    disabled={index === rows.length - 1}
                    onClick={() => setRows(swap(rows, index, index + 1))}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="link"
                    aria-label={t('record.removeRow')}
                    onClick={() => setRows(rows.filter((_, i) => i !== index))}
                  >
                    ✕
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
        {totals.length > 0 && rows.length > 0 && (
          <tfoot>
            <tr>
              {columns.map((f, i) => (
                <td key={f.id} data-testid={totals.includes(f) ? `total-${f.key}` : undefined}>
                  {totals.includes(f) ? <strong>{sum(f) ?? ''}</strong> : i === 0 ? t('record.total') : null}
                </td>
              ))}
            </tr>
          </tfoot>
        )}
      </table>
      {!props.readOnly && (
        <button type="button" onClick={() => setRows([...rows, props.engine.newRow(props.field.key)])}>
          {t('record.addRow')}
        </button>
      )}
    </div>
  );
}

function swap<T>(items: T[], a: number, b: number): T[] {
  const next = [...items];
  [next[a], next[b]] = [next[b]!, next[a]!];
  return next;
}
