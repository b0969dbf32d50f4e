/**
 * Physical names derive from stable ids only, so renaming a label or key never moves data.
 * Ids are validated to `[a-z][a-z0-9_]*`, which keeps every name a safe, unquoted identifier.
 */
export const physicalNames = {
  /** Postgres schema of an app's tables. */
  schema: (appKey: string) => `app_${appKey}`,
  /** Table of an entity. */
  table: (entityId: string) => `t_${entityId}`,
  /** Column of a field. */
  column: (fieldId: string) => `f_${fieldId}`,
};

/** Columns of the system spine every entity table has, by record key. */
export const SYSTEM_COLUMNS = {
  id: 'id',
  version: 'version',
  createdAt: 'created_at',
  createdBy: 'created_by',
  updatedAt: 'updated_at',
  updatedBy: 'updated_by',
  ownerId: 'owner_id',
  ownerDeptId: 'owner_dept_id',
  deletedAt: 'deleted_at',
} as const;
