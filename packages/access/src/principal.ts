/**
 * Who is acting: a user (through a session) or an integration (through an API key acting for its
 * creator with one role). Built by the server from the database; the access rules read nothing else.
 */
export interface Principal {
  kind: 'user' | 'apiKey';
  userId: string;
  /** Departments the user belongs to (primary first). */
  departmentIds: readonly string[];
  /** Those departments and every department below them. */
  departmentTreeIds: readonly string[];
  /** The user's primary department (owner department of records they create). */
  primaryDepartmentId: string | null;
  /** Role keys by app key. */
  roles: Readonly<Record<string, readonly string[]>>;
  /** System rights, separate from data rights. */
  rights: ReadonlySet<SystemRight>;
  /** For API keys: the apps the key may touch. */
  appKeys?: readonly string[];
}

/** Rights outside app data: designing and publishing metadata, managing users, reading the audit log. */
export const SYSTEM_RIGHTS = ['editMetadata', 'publish', 'manageUsers', 'viewAudit', 'allData'] as const;
/** One of {@link SYSTEM_RIGHTS}. `allData` reads and writes every record of every app (administrators). */
export type SystemRight = (typeof SYSTEM_RIGHTS)[number];
