import { type Static, Type } from '@sinclair/typebox';
import { KeySchema, StableIdSchema } from './ids.js';
import { LabelSchema } from './label.js';

/** A rule-language expression (JsonLogic plus platform operations), checked by the rule engine. */
const Expr = Type.Unknown();
/** Field key → expression. */
const Values = Type.Record(KeySchema, Expr, { maxProperties: 200 });

/**
 * A shared pool (公海) of an entity's records: records without an owner are the pool. Roles granted
 * `claim` on the entity can read pool records (whatever their row scope) and claim them one at a time,
 * at most `claimLimitPerDay` per user and day in the app's time zone.
 * @example { "claimLimitPerDay": 20, "onClaim": { "status": "new", "assignedAt": { "now": [] } } }
 */
export const RecordPoolSchema = Type.Object(
  {
    /** Claims per user per calendar day (app time zone); unlimited when absent. */
    claimLimitPerDay: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    /** Values written with the new owner; expressions over `{ record, now }`. */
    onClaim: Type.Optional(Values),
  },
  { additionalProperties: false },
);
/** See {@link RecordPoolSchema}. */
export type RecordPool = Static<typeof RecordPoolSchema>;

/** How a conversion target finds an existing record instead of creating one. */
export const ConversionMatchSchema = Type.Object(
  {
    /** The target's field compared. */
    field: KeySchema,
    /** The value looked for: an expression over `{ source, targets, input }`. */
    value: Expr,
    /**
     * How both sides are compared: `companyName` (normalizeCompanyName: legal-form suffixes, spaces,
     * punctuation and full-width forms ignored), `text` (trimmed, case-insensitive) or `phone` (digits).
     */
    normalize: Type.Optional(
      Type.Union([Type.Literal('companyName'), Type.Literal('text'), Type.Literal('phone')]),
    ),
  },
  { additionalProperties: false },
);

/** One record a conversion creates (or finds). */
export const ConversionTargetSchema = Type.Object(
  {
    /** Names the target in later expressions (`targets.<id>.id`) and in the result. */
    id: StableIdSchema,
    entity: StableIdSchema,
    label: Type.Optional(LabelSchema),
    /** Only when this holds (over `{ source, targets, input }`); always when absent. */
    when: Type.Optional(Expr),
    match: Type.Optional(ConversionMatchSchema),
    /** Field values of a created record; expressions over `{ source, targets, input }`. */
    values: Values,
  },
  { additionalProperties: false },
);

/** Records pointing at the source that are re-pointed (or also linked) to the new records. */
export const ConversionRelinkSchema = Type.Object(
  {
    entity: StableIdSchema,
    /** The reference field of `entity` that points at the source. */
    field: KeySchema,
    /** Values written to each such record; expressions over `{ source, targets, input, record }`. */
    values: Values,
  },
  { additionalProperties: false },
);

/**
 * Converts one record into others in one transaction — a lead into an account, a contact and an
 * opportunity — matching existing records first, re-pointing the source's history and marking the
 * source. `POST …/records/{id}/convert/{conversionId}` (with `dryRun` for a preview).
 */
export const ConversionSchema = Type.Object(
  {
    id: StableIdSchema,
    label: LabelSchema,
    /** The source must satisfy this (over `{ source }`) to be converted. */
    when: Type.Optional(Expr),
    targets: Type.Array(ConversionTargetSchema, { minItems: 1, maxItems: 10 }),
    relink: Type.Optional(Type.Array(ConversionRelinkSchema, { maxItems: 10 })),
    /** Values written to the source; expressions over `{ source, targets, input }`. */
    update: Type.Optional(Values),
  },
  { additionalProperties: false },
);
/** See {@link ConversionSchema}. */
export type Conversion = Static<typeof ConversionSchema>;

const Decay = Type.Union([
  Type.Object({ kind: Type.Literal('none') }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('exponential'), halfLifeDays: Type.Number({ exclusiveMinimum: 0, maximum: 3650 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('linear'), zeroAfterDays: Type.Number({ exclusiveMinimum: 0, maximum: 3650 }) },
    { additionalProperties: false },
  ),
]);
const Points = Type.Number({ minimum: -100_000, maximum: 100_000 });

/** A scoring model of the rule engine as metadata: attribute and behaviour conditions, grades. */
export const ScoringModelSchema = Type.Object(
  {
    attributes: Type.Array(
      Type.Object(
        { id: StableIdSchema, label: Type.Optional(LabelSchema), condition: Expr, points: Points },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
    behaviours: Type.Array(
      Type.Object(
        {
          id: StableIdSchema,
          label: Type.Optional(LabelSchema),
          /** A record event type (`emailOpened`, `linkClicked`, `formSubmitted`, or any posted type). */
          eventType: Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_.-]{0,62}$' }),
          /** Over the event's `data`. */
          condition: Type.Optional(Expr),
          points: Points,
          decay: Type.Optional(Decay),
          windowDays: Type.Optional(Type.Number({ minimum: 0, maximum: 3650 })),
          maxPoints: Type.Optional(Points),
        },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
    grades: Type.Array(
      Type.Object(
        { grade: Type.String({ minLength: 1, maxLength: 40 }), min: Points },
        { additionalProperties: false },
      ),
      { maxItems: 20 },
    ),
    lowestGrade: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  },
  { additionalProperties: false },
);

/**
 * An entity's scoring: the model, and the fields receiving the total, the grade and a readable
 * breakdown. Behaviour points come from the record's events (`dougong.record_events`).
 * `GET …/records/{id}/score` evaluates it live; the flow node `recomputeScore` writes it.
 */
export const EntityScoringSchema = Type.Object(
  {
    model: ScoringModelSchema,
    scoreField: KeySchema,
    gradeField: Type.Optional(KeySchema),
    /** A text field receiving one line per matched condition, e.g. `制造业 +15`. */
    breakdownField: Type.Optional(KeySchema),
  },
  { additionalProperties: false },
);
/** See {@link EntityScoringSchema}. */
export type EntityScoring = Static<typeof EntityScoringSchema>;
