import { type Static, Type } from '@sinclair/typebox';
import { KeySchema, StableIdSchema } from './ids.js';
import { LabelSchema, TextSchema } from './label.js';

/** Ids of forms and layout nodes: stable, never positions. */
export const FormNodeIdSchema = Type.String({ pattern: '^[a-z][a-z0-9_-]{0,39}$' });

/** The kinds of form: the full record form, a short quick-create form, a public (anonymous) form. */
export const FORM_KINDS = ['full', 'quickCreate', 'public'] as const;
/** One of {@link FORM_KINDS}. */
export type FormKind = (typeof FORM_KINDS)[number];

/** Widgets a field node may ask for; which fit which field type is checked by `@dougong/forms`. */
export const FORM_WIDGETS = [
  'input',
  'textarea',
  'richText',
  'number',
  'money',
  'percent',
  'switch',
  'checkbox',
  'date',
  'datetime',
  'select',
  'radio',
  'segmented',
  'multiSelect',
  'checkboxes',
  'tags',
  'email',
  'phone',
  'url',
  'user',
  'department',
  'reference',
  'subTable',
  'attachment',
  'region',
  'formula',
  'autoNumber',
] as const;
/** One of {@link FORM_WIDGETS}. */
export type FormWidget = (typeof FORM_WIDGETS)[number];

const nodeBase = { id: FormNodeIdSchema };

/** A field placed on the form. `span` is how many grid columns it takes in its section. */
export const FormFieldNodeSchema = Type.Object(
  {
    ...nodeBase,
    kind: Type.Literal('field'),
    /** Stable id of a field of the form's entity. */
    fieldId: StableIdSchema,
    widget: Type.Optional(Type.Union(FORM_WIDGETS.map((w) => Type.Literal(w)))),
    span: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
    /** Overrides of the field's own label, help and placeholder on this form. */
    label: Type.Optional(LabelSchema),
    help: Type.Optional(TextSchema),
    placeholder: Type.Optional(TextSchema),
    /** Shown but not editable on this form (values are not sent). */
    readOnly: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** A horizontal rule between nodes. */
export const FormDividerNodeSchema = Type.Object(
  { ...nodeBase, kind: Type.Literal('divider') },
  { additionalProperties: false },
);

/** A paragraph of translated text (instructions, notices). */
export const FormTextNodeSchema = Type.Object(
  { ...nodeBase, kind: Type.Literal('text'), text: TextSchema },
  { additionalProperties: false },
);

/**
 * A layout node: section (a titled grid of 1–4 columns), tabs, field, divider or text. Sections and tabs
 * nest (at most 4 levels deep, checked by the document validator).
 */
export const FormNodeSchema = Type.Recursive(
  (Node) =>
    // A discriminated `oneOf` (like fields): errors name the right variant instead of listing all five.
    Type.Unsafe<FormNodeShape>({
      type: 'object',
      required: ['kind'],
      properties: { kind: { type: 'string' } },
      discriminator: { propertyName: 'kind' },
      oneOf: [
        FormFieldNodeSchema,
        FormDividerNodeSchema,
        FormTextNodeSchema,
        Type.Object(
          {
            ...nodeBase,
            kind: Type.Literal('section'),
            label: Type.Optional(LabelSchema),
            columns: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
            /** Starts collapsed (the runtime may let the user open it). */
            collapsed: Type.Optional(Type.Boolean()),
            children: Type.Array(Node, { maxItems: 200 }),
          },
          { additionalProperties: false },
        ),
        Type.Object(
          {
            ...nodeBase,
            kind: Type.Literal('tabs'),
            tabs: Type.Array(
              Type.Object(
                { id: FormNodeIdSchema, label: LabelSchema, children: Type.Array(Node, { maxItems: 200 }) },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: 20 },
            ),
          },
          { additionalProperties: false },
        ),
      ],
    }),
  { $id: 'FormNode' },
);
/** A section: a titled grid of 1–4 columns (default 2). */
export interface FormSectionNode {
  id: string;
  kind: 'section';
  label?: Static<typeof LabelSchema>;
  columns?: number;
  collapsed?: boolean;
  children: FormNodeShape[];
}
/** Tabs, each with a label and its own nodes. */
export interface FormTabsNode {
  id: string;
  kind: 'tabs';
  tabs: Array<{ id: string; label: Static<typeof LabelSchema>; children: FormNodeShape[] }>;
}
type FormNodeShape =
  | Static<typeof FormFieldNodeSchema>
  | Static<typeof FormDividerNodeSchema>
  | Static<typeof FormTextNodeSchema>
  | FormSectionNode
  | FormTabsNode;
/** See {@link FormNodeSchema}. */
export type FormNode = FormNodeShape;
/** A field node. */
export type FormFieldNode = Static<typeof FormFieldNodeSchema>;

/** Linkage actions (see the rule reference). */
export const LINKAGE_ACTIONS = ['show', 'hide', 'require', 'readOnly', 'setValue'] as const;

/**
 * A linkage rule: while `when` holds, `action` applies to `fields` (field keys). With `subTable` (a
 * sub-table field key) the rule runs once per row, over the row's values, on the child's field keys.
 * @example { "id": "loss", "when": { "==": [{ "var": "stage" }, "lost"] }, "action": "require", "fields": ["lossReason"] }
 */
export const FormLinkageRuleSchema = Type.Object(
  {
    id: FormNodeIdSchema,
    when: Type.Unknown(),
    action: Type.Union(LINKAGE_ACTIONS.map((a) => Type.Literal(a))),
    fields: Type.Array(KeySchema, { minItems: 1, maxItems: 100, uniqueItems: true }),
    /** For `setValue`: a rule over the record giving the value. */
    value: Type.Optional(Type.Unknown()),
    subTable: Type.Optional(KeySchema),
  },
  { additionalProperties: false },
);
/** See {@link FormLinkageRuleSchema}. */
export type FormLinkageRule = Static<typeof FormLinkageRuleSchema>;

/**
 * A validation rule: when `when` holds (or always), `condition` must hold, else `message` is reported at
 * the field key `path`. With `subTable`, it runs per row and reports at `/<subTable>/<row>/<path>`.
 */
export const FormValidationRuleSchema = Type.Object(
  {
    id: FormNodeIdSchema,
    when: Type.Optional(Type.Unknown()),
    condition: Type.Unknown(),
    message: TextSchema,
    path: KeySchema,
    subTable: Type.Optional(KeySchema),
  },
  { additionalProperties: false },
);
/** See {@link FormValidationRuleSchema}. */
export type FormValidationRule = Static<typeof FormValidationRuleSchema>;

/**
 * Data linkage: when the reference field `field` (a field id; in a sub-table with `subTable`) gets a
 * record, copy that record's fields (`copy[].from`, field ids of the referenced entity) into this form's
 * fields (`copy[].to`). `overwrite: false` fills only empty fields.
 * @example { "id": "price", "subTable": "products", "field": "product", "copy": [{ "from": "price", "to": "unit_price" }] }
 */
export const FormDataLinkageSchema = Type.Object(
  {
    id: FormNodeIdSchema,
    field: StableIdSchema,
    subTable: Type.Optional(StableIdSchema),
    copy: Type.Array(
      Type.Object({ from: StableIdSchema, to: StableIdSchema }, { additionalProperties: false }),
      { minItems: 1, maxItems: 50 },
    ),
    overwrite: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
/** See {@link FormDataLinkageSchema}. */
export type FormDataLinkage = Static<typeof FormDataLinkageSchema>;

/** Where a public submission's source is recorded (field ids of the form's entity). */
export const FormAttributionSchema = Type.Object(
  {
    /** Receives the `campaign` query parameter (a record id for a reference field, else text). */
    campaignField: Type.Optional(StableIdSchema),
    /** Receives the `channel` query parameter, else `channel` below. */
    channelField: Type.Optional(StableIdSchema),
    /** The channel recorded when the link carries none (e.g. an option id such as "event"). */
    channel: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    /** Receive `utm_source`, `utm_medium`, `utm_campaign`, `utm_term`, `utm_content`. */
    utmFields: Type.Optional(
      Type.Object(
        {
          source: Type.Optional(StableIdSchema),
          medium: Type.Optional(StableIdSchema),
          campaign: Type.Optional(StableIdSchema),
          term: Type.Optional(StableIdSchema),
          content: Type.Optional(StableIdSchema),
        },
        { additionalProperties: false },
      ),
    ),
    /** Receives the page that linked to the form (the submission's `referrer`, else the Referer header). */
    referrerField: Type.Optional(StableIdSchema),
  },
  { additionalProperties: false },
);
/** See {@link FormAttributionSchema}. */
export type FormAttribution = Static<typeof FormAttributionSchema>;

/** Settings of a public form: its page texts, query-string prefill and source attribution. */
export const FormPublicSchema = Type.Object(
  {
    title: LabelSchema,
    description: Type.Optional(TextSchema),
    thankYou: TextSchema,
    /** Field ids the query string may prefill (by field key: `?company=…`). */
    prefill: Type.Optional(Type.Array(StableIdSchema, { maxItems: 100, uniqueItems: true })),
    attribution: Type.Optional(FormAttributionSchema),
  },
  { additionalProperties: false },
);
/** See {@link FormPublicSchema}. */
export type FormPublic = Static<typeof FormPublicSchema>;

/**
 * A form of an entity: layout, linkage, validation and data linkage. Several per entity are allowed.
 * @example { "id": "lead_full", "entity": "lead", "label": { "zh-CN": "线索", "en": "Lead" }, "kind": "full",
 *            "layout": [{ "id": "main", "kind": "section", "columns": 2, "children": [
 *              { "id": "f_name", "kind": "field", "fieldId": "name" }] }] }
 */
export const FormSchema = Type.Object(
  {
    id: FormNodeIdSchema,
    /** Stable id of the entity (not a child entity). */
    entity: StableIdSchema,
    label: LabelSchema,
    kind: Type.Union(FORM_KINDS.map((k) => Type.Literal(k))),
    layout: Type.Array(FormNodeSchema, { maxItems: 200 }),
    linkage: Type.Optional(Type.Array(FormLinkageRuleSchema, { maxItems: 500 })),
    validation: Type.Optional(Type.Array(FormValidationRuleSchema, { maxItems: 500 })),
    dataLinkage: Type.Optional(Type.Array(FormDataLinkageSchema, { maxItems: 100 })),
    /** Required when `kind` is `public`. */
    public: Type.Optional(FormPublicSchema),
  },
  { additionalProperties: false },
);
/** See {@link FormSchema}. */
export type Form = Static<typeof FormSchema>;
