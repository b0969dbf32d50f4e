import { type Static, Type } from '@sinclair/typebox';
import { KeySchema, StableIdSchema } from './ids.js';
import { LabelSchema, TextSchema } from './label.js';

/**
 * What a role may do with an entity's records. `assign` changes a record's owner; `claim` reads the
 * entity's pool (records without an owner, when the entity has a `pool`) and takes records from it.
 */
export const RECORD_ACTIONS = [
  'create',
  'read',
  'update',
  'delete',
  'export',
  'print',
  'assign',
  'claim',
] as const;
/** One of {@link RECORD_ACTIONS}. */
export type RecordAction = (typeof RECORD_ACTIONS)[number];

/**
 * Which records a grant covers: the user's own; their departments'; their departments' and all below;
 * all records.
 */
export const ROW_SCOPES = ['own', 'department', 'departmentTree', 'all'] as const;
/** One of {@link ROW_SCOPES}. */
export type RowScope = (typeof ROW_SCOPES)[number];

/** Field access within a grant; fields not listed are editable (when update is granted) or read-only. */
export const FIELD_ACCESS = ['hidden', 'readOnly', 'editable'] as const;
/** One of {@link FIELD_ACCESS}. */
export type FieldAccess = (typeof FIELD_ACCESS)[number];

/**
 * A role's grant on one entity.
 * @example { "entity": "lead", "actions": ["create", "read", "update"], "scope": "own",
 *            "fields": { "score": "readOnly" } }
 */
export const EntityGrantSchema = Type.Object(
  {
    entity: StableIdSchema,
    actions: Type.Array(Type.Union(RECORD_ACTIONS.map((a) => Type.Literal(a))), {
      uniqueItems: true,
      maxItems: RECORD_ACTIONS.length,
    }),
    scope: Type.Union(ROW_SCOPES.map((s) => Type.Literal(s))),
    /** A JsonLogic condition narrowing the scope (ANDed in). */
    condition: Type.Optional(Type.Unknown()),
    /** Field access by field id. */
    fields: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' }),
        Type.Union(FIELD_ACCESS.map((a) => Type.Literal(a))),
      ),
    ),
  },
  { additionalProperties: false },
);
/** See {@link EntityGrantSchema}. */
export type EntityGrant = Static<typeof EntityGrantSchema>;

/** An app role: a named set of grants that users are given. */
export const RoleSchema = Type.Object(
  {
    key: KeySchema,
    label: LabelSchema,
    description: Type.Optional(TextSchema),
    grants: Type.Array(EntityGrantSchema, { maxItems: 500 }),
  },
  { additionalProperties: false },
);
/** See {@link RoleSchema}. */
export type Role = Static<typeof RoleSchema>;
