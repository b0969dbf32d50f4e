import { type Static, Type } from '@sinclair/typebox';
import { CaptureHookSchema } from './capture-hook-schema.js';
import { EntitySchema } from './entity-schema.js';
import { FlowSchema } from './flow-schema.js';
import { FormSchema } from './form-schema.js';
import { AppKeySchema } from './ids.js';
import { LabelSchema, TextSchema } from './label.js';
import { RoleSchema } from './role-schema.js';

/** The metadata format version this code writes. Older documents are upgraded on read. */
export const CURRENT_SCHEMA_VERSION = 1;

/**
 * The whole metadata document of one app. Validated by JSON Schema on every save.
 * @example
 * { "schemaVersion": 1, "key": "sales", "label": { "zh-CN": "销售管理" }, "entities": [] }
 */
export const AppDocumentSchema = Type.Object(
  {
    schemaVersion: Type.Literal(CURRENT_SCHEMA_VERSION),
    key: AppKeySchema,
    label: LabelSchema,
    description: Type.Optional(TextSchema),
    /** IANA time zone for dates, `today` and schedules; default Asia/Shanghai. */
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** ISO 4217 code used by money fields without their own currency; default CNY. */
    defaultCurrency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
    /** Template this app was installed from, with its version. */
    template: Type.Optional(
      Type.Object(
        { id: Type.String({ maxLength: 100 }), version: Type.String({ maxLength: 40 }) },
        { additionalProperties: false },
      ),
    ),
    entities: Type.Array(EntitySchema, { maxItems: 500 }),
    /** Roles and what they may do with each entity's records (see the permission model). */
    roles: Type.Optional(Type.Array(RoleSchema, { maxItems: 200 })),
    /** Forms per entity: layout, linkage, validation, data linkage, public links (see the form reference). */
    forms: Type.Optional(Type.Array(FormSchema, { maxItems: 1000 })),
    /** Automation flows (see the flow reference). */
    flows: Type.Optional(Type.Array(FlowSchema, { maxItems: 500 })),
    /** Inbound capture hooks: channels posting payloads that become records (see the metadata reference). */
    captureHooks: Type.Optional(Type.Array(CaptureHookSchema, { maxItems: 200 })),
  },
  { additionalProperties: false },
);
/** See {@link AppDocumentSchema}. */
export type AppDocument = Static<typeof AppDocumentSchema>;
