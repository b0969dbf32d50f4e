import type { Form, FormNode, FormWidget, Label, Text } from '@dougong/schema';
import { type Bilingual, bi } from '../core/bilingual.js';
import { unique } from '../core/ids.js';
import { layoutIds } from '../state/selection.js';
import type { LayoutItem } from './layout-tree.js';

/**
 * A layout item to create. `columns` is a section without a title laid out in 2–4 columns; `tab` goes into
 * a tabs block; the others are the schema's node kinds.
 */
export type NewFormNode =
  | {
      readonly kind: 'field';
      readonly fieldId: string;
      readonly widget?: FormWidget;
      readonly span?: number;
      readonly readOnly?: boolean;
      readonly label?: Label;
    }
  | {
      readonly kind: 'section';
      readonly label?: Label;
      readonly columns?: number;
      readonly collapsed?: boolean;
    }
  | { readonly kind: 'columns'; readonly columns?: number }
  | { readonly kind: 'tabs'; readonly tabs?: readonly Label[] }
  | { readonly kind: 'tab'; readonly label?: Label }
  | { readonly kind: 'divider' }
  | { readonly kind: 'text'; readonly text?: Text };

/** A layout block of the palette. */
export interface FormBlock {
  readonly id: string;
  readonly label: Bilingual;
  readonly node: NewFormNode;
}

/** The layout blocks a form palette offers (fields come from the entity). */
export const FORM_BLOCKS: readonly FormBlock[] = [
  { id: 'section', label: bi('分组', 'Section'), node: { kind: 'section' } },
  { id: 'columns-2', label: bi('两栏', 'Two columns'), node: { kind: 'columns', columns: 2 } },
  { id: 'columns-3', label: bi('三栏', 'Three columns'), node: { kind: 'columns', columns: 3 } },
  { id: 'tabs', label: bi('标签页', 'Tabs'), node: { kind: 'tabs' } },
  { id: 'divider', label: bi('分隔线', 'Divider'), node: { kind: 'divider' } },
  { id: 'text', label: bi('说明文字', 'Text'), node: { kind: 'text' } },
];

/** The id a new layout item gets: `f-<field id>` for fields, else its kind, numbered when taken. */
export function newItemId(taken: ReadonlySet<string>, spec: NewFormNode): string {
  const base = spec.kind === 'field' ? `f-${spec.fieldId.replace(/_/g, '-')}` : spec.kind;
  return unique(base.slice(0, 40), taken, 40, '-');
}

/** Builds the layout item for a spec with fresh ids (tabs inside a new tabs block included). */
export function makeItem(form: Form, spec: NewFormNode, id?: string): LayoutItem {
  const taken = layoutIds(form.layout);
  const itemId = id ?? newItemId(taken, spec);
  taken.add(itemId);
  switch (spec.kind) {
    case 'field': {
      const { kind: _, ...rest } = spec;
      return { id: itemId, kind: 'field', ...rest } satisfies FormNode;
    }
    case 'section':
      return {
        id: itemId,
        kind: 'section',
        label: spec.label ?? bi('新分组', 'New section'),
        columns: spec.columns ?? 2,
        ...(spec.collapsed ? { collapsed: true } : {}),
        children: [],
      };
    case 'columns':
      return { id: itemId, kind: 'section', columns: spec.columns ?? 2, children: [] };
    case 'tabs': {
      const labels = spec.tabs ?? [bi('标签页 1', 'Tab 1'), bi('标签页 2', 'Tab 2')];
      return {
        id: itemId,
        kind: 'tabs',
        tabs: labels.map((label) => {
          const tabId = unique(`${itemId}-tab`.slice(0, 40), taken, 40, '-');
          taken.add(tabId);
          return { id: tabId, label, children: [] };
        }),
      };
    }
    case 'tab':
      return { id: itemId, label: spec.label ?? bi('新标签页', 'New tab'), children: [] };
    case 'divider':
      return { id: itemId, kind: 'divider' };
    case 'text':
      return { id: itemId, kind: 'text', text: spec.text ?? bi('说明文字', 'Text') };
  }
}
