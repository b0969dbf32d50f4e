import { type Static, Type } from '@sinclair/typebox';
import { FieldSchema } from './field-schema.js';
import { KeySchema, StableIdSchema } from './ids.js';
import { LabelSchema, TextSchema } from './label.js';
import { ConversionSchema, EntityScoringSchema, RecordPoolSchema } from './record-workflow-schema.js';

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

/** How the values of a duplicate rule's fields are compared (see {@link duplicateKey}). */
export const DUPLICATE_MATCHES = ['exact', 'phone', 'email', 'companyName'] as const;
/** One of {@link DUPLICATE_MATCHES}. */
export type DuplicateMatch = (typeof DUPLICATE_MATCHES)[number];

/**
 * A duplicate rule: records whose `fields` all match (each normalised by `match`) are suspected
 * duplicates. A write never fails because of a `link` rule (the default): the pair is recorded for
 * review. A `block` rule refuses the write with 409 `UNIQUE_VIOLATION`.
 * @example { "id": "by_mobile", "label": { "zh-CN": "手机相同" }, "fields": ["mobile"], "match": "phone" }
 */
export const DuplicateRuleSchema = Type.Object(
  {
    id: StableIdSchema,
    label: LabelSchema,
    fields: Type.Array(StableIdSchema, { minItems: 1, maxItems: 5, uniqueItems: true }),
    match: Type.Union(DUPLICATE_MATCHES.map((m) => Type.Literal(m))),
    onDuplicate: Type.Optional(Type.Union([Type.Literal('link'), Type.Literal('block')])),
  },
  { additionalProperties: false },
);
/** See {@link DuplicateRuleSchema}. */
export type DuplicateRule = Static<typeof DuplicateRuleSchema>;

/**
 * A related list one hop further than direct references, for the record's related-records summary:
 * records of `entity` whose reference `field` points at a record of `through.entity` whose reference
 * `through.field` points at this record (account → opportunity → follow-up).
 */
export const RelatedListSchema = Type.Object(
  {
    id: StableIdSchema,
    label: Type.Optional(LabelSchema),
    entity: StableIdSchema,
    field: StableIdSchema,
    through: Type.Object({ entity: StableIdSchema, field: StableIdSchema }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
/** See {@link RelatedListSchema}. */
export type RelatedList = Static<typeof RelatedListSchema>;

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
    /** Rules that find suspected duplicates on every write (see {@link DuplicateRuleSchema}). */
    duplicateRules: Type.Optional(Type.Array(DuplicateRuleSchema, { maxItems: 20 })),
    /** Related lists two references away, shown with the direct ones (see {@link RelatedListSchema}). */
    related: Type.Optional(Type.Array(RelatedListSchema, { maxItems: 20 })),
    /** A shared pool of unowned records that roles granted `claim` can claim (see the metadata reference). */
    pool: Type.Optional(RecordPoolSchema),
    /** One-step conversions of a record into records of other entities (see the metadata reference). */
    conversions: Type.Optional(Type.Array(ConversionSchema, { maxItems: 20 })),
    /** Scoring: model, score / grade / breakdown fields (see the metadata reference). */
    scoring: Type.Optional(EntityScoringSchema),
  },
  { additionalProperties: false },
);
/** See {@link EntitySchema}. */
export type Entity = Static<typeof EntitySchema>;
