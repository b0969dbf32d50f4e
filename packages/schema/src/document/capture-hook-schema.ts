import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { StableIdSchema } from './ids.js';
import { LabelSchema, TextSchema } from './label.js';

/** A JSON Pointer (RFC 6901) into an incoming payload: `''` is the whole payload, `/contact/phone` a member. */
export const JsonPointerSchema = Type.String({ pattern: '^(/([^~]|~[01])*)*$', maxLength: 500 });

/** A JSON value a capture hook may write: a scalar or a list of scalars (multi-select option ids). */
const CaptureValueSchema: TSchema = Type.Union([
  Type.String({ maxLength: 2000 }),
  Type.Number(),
  Type.Boolean(),
  Type.Null(),
  Type.Array(Type.Union([Type.String({ maxLength: 200 }), Type.Number()]), { maxItems: 100 }),
]);

/** The named value transforms of a capture mapping, applied in order. */
export const CAPTURE_TRANSFORMS = ['trim', 'lower', 'phone', 'date'] as const;
/** One of {@link CAPTURE_TRANSFORMS}. */
export type CaptureTransformName = (typeof CAPTURE_TRANSFORMS)[number];

/**
 * One transform step: a named one (`trim`, `lower`, `phone` — a mainland mobile / landline in its
 * normal form, `date` — a date or instant in the field's form), a value map (`{"map": {"1": "male"},
 * "default"?: …}`: the input as text looked up, else the default, else an error), or a constant.
 */
export const CaptureTransformSchema = Type.Union([
  Type.Union(CAPTURE_TRANSFORMS.map((t) => Type.Literal(t))),
  Type.Object(
    {
      map: Type.Record(Type.String({ maxLength: 200 }), CaptureValueSchema, { maxProperties: 500 }),
      default: Type.Optional(CaptureValueSchema),
    },
    { additionalProperties: false },
  ),
  Type.Object({ constant: CaptureValueSchema }, { additionalProperties: false }),
]);
/** See {@link CaptureTransformSchema}. */
export type CaptureTransform = Static<typeof CaptureTransformSchema>;

/** Where one field of the record comes from in the payload. */
export const CaptureMappingSchema = Type.Object(
  {
    /** Pointer into the payload; absent for an entry that writes a `constant`. */
    from: Type.Optional(JsonPointerSchema),
    /** Stable id of a field of the hook's entity. */
    to: StableIdSchema,
    transform: Type.Optional(
      Type.Union([CaptureTransformSchema, Type.Array(CaptureTransformSchema, { minItems: 1, maxItems: 5 })]),
    ),
    /** The payload must carry a non-empty value at `from` (an error names that path otherwise). */
    required: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
/** See {@link CaptureMappingSchema}. */
export type CaptureMapping = Static<typeof CaptureMappingSchema>;

/** Names of flow secrets (`PUT /api/apps/{app}/flow-secrets/{name}`). */
export const SecretNameSchema = Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,62}$' });
/** HTTP header names (compared case-insensitively). */
export const HeaderNameSchema = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,63}$' });

/**
 * How a capture hook authenticates deliveries, with a secret kept sealed among the app's flow secrets:
 * `hmac-sha256` — the sender signs the raw body (header `X-Dougong-Signature: sha256=<hex>` unless
 * `header` names another); `bearer` — `Authorization: Bearer <secret>`.
 */
export const CaptureAuthSchema = Type.Union([
  Type.Object(
    {
      scheme: Type.Literal('hmac-sha256'),
      secret: SecretNameSchema,
      header: Type.Optional(HeaderNameSchema),
    },
    { additionalProperties: false },
  ),
  Type.Object({ scheme: Type.Literal('bearer'), secret: SecretNameSchema }, { additionalProperties: false }),
]);
/** See {@link CaptureAuthSchema}. */
export type CaptureAuth = Static<typeof CaptureAuthSchema>;

/** Where the idempotency key of a delivery is: a pointer into the payload, or a request header. */
export const CaptureIdempotencySchema = Type.Union([
  Type.Object({ pointer: JsonPointerSchema }, { additionalProperties: false }),
  Type.Object({ header: HeaderNameSchema }, { additionalProperties: false }),
]);
/** See {@link CaptureIdempotencySchema}. */
export type CaptureIdempotency = Static<typeof CaptureIdempotencySchema>;

/**
 * An inbound capture hook: a channel (a website, a WeChat official account, a third-party platform …)
 * posts JSON to `/api/public/capture/{app}/{id}`; the mapping turns it into a record of `entity`, created
 * through the normal write path.
 * @example
 * { "id": "web_leads", "label": { "en": "Website" }, "entity": "lead", "channel": "website",
 *   "auth": { "scheme": "hmac-sha256", "secret": "webLeadsSecret" },
 *   "mapping": [{ "from": "/name", "to": "name", "transform": "trim" }],
 *   "defaults": { "source": "website" }, "idempotencyKey": { "pointer": "/id" } }
 */
export const CaptureHookSchema = Type.Object(
  {
    id: StableIdSchema,
    label: LabelSchema,
    description: Type.Optional(TextSchema),
    /** Stable id of a standard entity. */
    entity: StableIdSchema,
    /** Channel code recorded with every record the hook creates (`website`, `wechat`, `platform` …). */
    channel: Type.String({ pattern: '^[a-z][a-z0-9_-]{0,39}$' }),
    channelLabel: Type.Optional(LabelSchema),
    /** Default true; a disabled hook answers 404. */
    enabled: Type.Optional(Type.Boolean()),
    auth: CaptureAuthSchema,
    mapping: Type.Array(CaptureMappingSchema, { minItems: 1, maxItems: 200 }),
    /** Values by field id for fields the payload leaves empty. */
    defaults: Type.Optional(Type.Record(StableIdSchema, CaptureValueSchema, { maxProperties: 200 })),
    idempotencyKey: Type.Optional(CaptureIdempotencySchema),
  },
  { additionalProperties: false },
);
/** See {@link CaptureHookSchema}. */
export type CaptureHook = Static<typeof CaptureHookSchema>;
