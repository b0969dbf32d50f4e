import { Type } from '@sinclair/typebox';

/**
 * Stable ids of entities, fields and select options. They name physical tables and columns
 * (`t_<entityId>`, `f_<fieldId>`), so they are short, lower case and never change.
 */
export const StableIdSchema = Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' });

/** API keys of entities and fields: camelCase, used in URLs and record JSON. */
export const KeySchema = Type.String({ pattern: '^[a-z][a-zA-Z0-9]{0,62}$' });

/** App keys: used in URLs and as the app's Postgres schema name (`app_<key>`). */
export const AppKeySchema = Type.String({ pattern: '^[a-z][a-z0-9_]{1,30}$' });

/** Option ids of select fields. */
export const OptionIdSchema = Type.String({ pattern: '^[a-zA-Z0-9_-]{1,40}$' });

/** Record keys every record carries; field keys may not reuse them. */
export const SYSTEM_KEYS = [
  'id',
  'version',
  'createdAt',
  'createdBy',
  'updatedAt',
  'updatedBy',
  'ownerId',
  'ownerDeptId',
  'deletedAt',
] as const;
/** One of {@link SYSTEM_KEYS}. */
export type SystemKey = (typeof SYSTEM_KEYS)[number];
