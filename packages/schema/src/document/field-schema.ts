import { type Static, type TObject, type TProperties, Type } from '@sinclair/typebox';
import { KeySchema, OptionIdSchema, StableIdSchema } from './ids.js';
import { LabelSchema, TextSchema } from './label.js';

const common = {
  id: StableIdSchema,
  key: KeySchema,
  label: LabelSchema,
  description: Type.Optional(TextSchema),
  help: Type.Optional(TextSchema),
  placeholder: Type.Optional(TextSchema),
  required: Type.Optional(Type.Boolean()),
  /** Creates a btree index (value, id) so lists sort and filter on it fast. */
  index: Type.Optional(Type.Boolean()),
  /**
   * Appends every change of the value to the field-change log (`dougong.field_changes`: record, old
   * and new value, who, when), readable through `GET …/entities/{entity}/field-changes`.
   */
  trackChanges: Type.Optional(Type.Boolean()),
};

function field<K extends string, P extends TProperties>(type: K, props: P) {
  return Type.Object({ ...common, type: Type.Literal(type), ...props }, { additionalProperties: false });
}

const LengthLimits = {
  minLength: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
};
const DecimalString = Type.String({ pattern: '^-?\\d{1,30}(\\.\\d{1,30})?$' });
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

/**
 * A select option: stable id, translated label, colour. Options of single-select fields may also be
 * stage gates: `requires` names fields that must be non-empty before a record enters the option
 * (enforced on every write, 422 with the missing fields' pointers, and shown as required in forms),
 * and `defaults` gives values written when a record enters it, unless the same write sets them.
 * @example { "id": "proposal", "label": { "zh-CN": "方案报价" }, "description": { "zh-CN": "提交方案与报价" },
 *            "requires": ["needsReport"], "defaults": { "probability": "50" } }
 */
export const SelectOptionSchema = Type.Object(
  {
    id: OptionIdSchema,
    label: LabelSchema,
    color: Type.Optional(Type.String({ pattern: '^#[0-9a-fA-F]{6}$' })),
    /** What the option means (a stage's goal). */
    description: Type.Optional(TextSchema),
    /** Field keys that must be non-empty to enter this option (single-select only). */
    requires: Type.Optional(Type.Array(KeySchema, { minItems: 1, maxItems: 50, uniqueItems: true })),
    /** Field key → value written on entering this option unless the write sets it (single-select only). */
    defaults: Type.Optional(Type.Record(KeySchema, Type.Unknown(), { maxProperties: 20 })),
  },
  { additionalProperties: false },
);
/** See {@link SelectOptionSchema}. */
export type SelectOption = Static<typeof SelectOptionSchema>;

/** One schema per field type; the `type` literal discriminates. */
export const FieldSchemas = {
  text: field('text', {
    ...LengthLimits,
    unique: Type.Optional(Type.Boolean()),
    default: Type.Optional(Type.String({ maxLength: 10_000 })),
    /** A regular expression the whole value must match; checked for catastrophic backtracking. */
    pattern: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    patternMessage: Type.Optional(TextSchema),
  }),
  longText: field('longText', {
    ...LengthLimits,
    default: Type.Optional(Type.String({ maxLength: 10_000 })),
  }),
  richText: field('richText', { maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })) }),
  number: field('number', {
    /** Integer (int8) when true, else decimal numeric(precision, scale). */
    integer: Type.Optional(Type.Boolean()),
    precision: Type.Optional(Type.Integer({ minimum: 1, maximum: 38 })),
    scale: Type.Optional(Type.Integer({ minimum: 0, maximum: 18 })),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    unique: Type.Optional(Type.Boolean()),
    default: Type.Optional(Type.Union([Type.Number(), DecimalString])),
  }),
  money: field('money', {
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
    precision: Type.Optional(Type.Integer({ minimum: 4, maximum: 38 })),
    scale: Type.Optional(Type.Integer({ minimum: 0, maximum: 6 })),
    min: Type.Optional(DecimalString),
    max: Type.Optional(DecimalString),
    default: Type.Optional(DecimalString),
  }),
  percent: field('percent', {
    scale: Type.Optional(Type.Integer({ minimum: 0, maximum: 6 })),
    min: Type.Optional(DecimalString),
    max: Type.Optional(DecimalString),
    default: Type.Optional(DecimalString),
  }),
  boolean: field('boolean', { default: Type.Optional(Type.Boolean()) }),
  date: field('date', {
    min: Type.Optional(IsoDate),
    max: Type.Optional(IsoDate),
    /** `today` fills the current date in the app's time zone. */
    default: Type.Optional(Type.Union([IsoDate, Type.Literal('today')])),
  }),
  datetime: field('datetime', { default: Type.Optional(Type.Literal('now')) }),
  singleSelect: field('singleSelect', {
    options: Type.Array(SelectOptionSchema, { minItems: 1, maxItems: 500 }),
    default: Type.Optional(OptionIdSchema),
  }),
  multiSelect: field('multiSelect', {
    options: Type.Array(SelectOptionSchema, { minItems: 1, maxItems: 500 }),
    maxItems: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    default: Type.Optional(Type.Array(OptionIdSchema, { maxItems: 500 })),
  }),
  email: field('email', { unique: Type.Optional(Type.Boolean()) }),
  phone: field('phone', {
    /** Which kinds of number are accepted (default: all three). */
    kinds: Type.Optional(
      Type.Array(
        Type.Union([Type.Literal('mobile'), Type.Literal('landline'), Type.Literal('international')]),
        {
          minItems: 1,
          uniqueItems: true,
        },
      ),
    ),
    unique: Type.Optional(Type.Boolean()),
  }),
  url: field('url', {}),
  user: field('user', {}),
  department: field('department', {}),
  reference: field('reference', {
    /** Stable id of the referenced entity. */
    target: StableIdSchema,
  }),
  subTable: field('subTable', {
    /** Stable id of the child entity (an entity with `kind: "child"`). */
    childEntity: StableIdSchema,
    maxRows: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  }),
  attachment: field('attachment', {
    maxFiles: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    accept: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })),
  }),
  autoNumber: field('autoNumber', {
    /** e.g. `HT-{YYYY}-{0000}`: date tokens {YYYY} {YY} {MM} {DD} and one counter {0…0}; the counter restarts per period. */
    pattern: Type.String({ minLength: 3, maxLength: 60 }),
  }),
  formula: field('formula', {
    /** A JsonLogic expression over this record's field keys. */
    expression: Type.Unknown(),
    resultType: Type.Union([
      Type.Literal('text'),
      Type.Literal('integer'),
      Type.Literal('decimal'),
      Type.Literal('boolean'),
      Type.Literal('date'),
    ]),
    scale: Type.Optional(Type.Integer({ minimum: 0, maximum: 18 })),
  }),
  region: field('region', {
    /** Deepest level to be chosen: a GB/T 2260 code of a province, city or district. */
    level: Type.Optional(
      Type.Union([Type.Literal('province'), Type.Literal('city'), Type.Literal('district')]),
    ),
  }),
} satisfies Record<string, TObject>;

/** Every field type's name. */
export type FieldType = keyof typeof FieldSchemas;
/** The list of field types, in display order. */
export const FIELD_TYPES = Object.keys(FieldSchemas) as FieldType[];

/** A field of a given type. */
export type FieldOf<T extends FieldType> = Static<(typeof FieldSchemas)[T]>;
/** Any field definition. */
export type Field = { [T in FieldType]: FieldOf<T> }[FieldType];

/** The JSON Schema of a field: `oneOf` discriminated by `type`, so errors point at the right variant. */
export const FieldSchema = Type.Unsafe<Field>({
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string' } },
  discriminator: { propertyName: 'type' },
  oneOf: FIELD_TYPES.map((t) => FieldSchemas[t]),
});
