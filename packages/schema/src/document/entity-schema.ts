import { type Static, Type } from '@sinclair/typebox';
import { FieldSchema } from './field-schema.js';
import { KeySchema, StableIdSchema } from './ids.js';
import { LabelSchema, TextSchema } from './label.js';

/** A sort key: a field id or a system key, ascending unless `desc`. */
export const SortKeySchema = Type.Object(
  {
    field: Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,62}$' }),
    desc: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
/** See {@link SortKeySchema}. */
export type SortKey = Static<typeof SortKeySchema>;

/** An entity: one real table with typed columns. */
export const EntitySchema = Type.Object(
  {
    id: StableIdSchema,
    key: KeySchema,
    label: LabelSchema,
    pluralLabel: Type.Optional(LabelSchema),
    description: Type.Optional(TextSchema),
    icon: Type.Optional(Type.String({ maxLength: 60 })),
    /** `child` entities hold sub-table rows and are only written through their parent. */
    kind: Type.Optional(Type.Union([Type.Literal('standard'), Type.Literal('child')])),
    /** Field id whose value names a record (used by references and titles). */
    titleField: Type.Optional(StableIdSchema),
    /** Field ids searched by the list's `q` parameter. */
    searchFields: Type.Optional(Type.Array(StableIdSchema, { maxItems: 20, uniqueItems: true })),
    /** Default list order; an index (keys…, id) is created for it. */
    defaultSort: Type.Optional(Type.Array(SortKeySchema, { minItems: 1, maxItems: 5 })),
    fields: Type.Array(FieldSchema, { maxItems: 500 }),
  },
  { additionalProperties: false },
);
/** See {@link EntitySchema}. */
export type Entity = Static<typeof EntitySchema>;
