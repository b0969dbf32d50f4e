/**
 * Demo data as plain values: a generator (pure, seeded) describes an organisation and records; the
 * database layer creates the users and departments and writes the records through the same checks as
 * the record API. References between generated things are symbolic and resolved by the writer:
 * `{ $record: 'lead:42' }` in a reference field, `{ $user: 'rep-1' }` in a user field,
 * `{ $department: 'east' }` in a department field.
 */

/** A department of the demo organisation; parents come before their children. */
export interface DemoDepartment {
  ref: string;
  name: string;
  parent?: string;
  /** The user ref of its head (manager). */
  head?: string;
}

/** A demo user with their primary department and roles in the app. */
export interface DemoUser {
  ref: string;
  /** Unique login; an existing user with this login is reused. */
  login: string;
  name: string;
  email?: string;
  mobile?: string;
  department: string;
  roles: string[];
}

/** The people of a demo run. */
export interface DemoOrganisation {
  departments: DemoDepartment[];
  users: DemoUser[];
}

/** One record to create, as a record-API payload made at `at` by user `by`. */
export interface DemoRecord {
  /** Entity id. */
  entity: string;
  /** Symbolic name other records refer to (`{ $record: ref }`). */
  ref?: string;
  /** Values by field key; sub-table rows as arrays of value objects. */
  values: Record<string, unknown>;
  /** The user ref who creates it. */
  by: string;
  /**
   * The owner's user ref (default: `by`); the owner department is the owner's department. `null`:
   * nobody owns it (a record in the entity's pool).
   */
  owner?: string | null;
  /** When it is created (ISO 8601). */
  at: string;
}

/** Options of a demo run. */
export interface DemoDataOptions {
  seed: string | number;
  /** How many of the generator's main records (e.g. leads). */
  size: number;
  /** Generated dates lie before this instant. */
  now: Date;
}

/**
 * A template's demo-data generator. The same options always give the same organisation and records;
 * batches are produced lazily, so a run of any size holds one batch at a time.
 */
export interface DemoDataGenerator {
  /** What `size` counts, in the plural (`leads`): the CLI offers `--<sizeName> N`. */
  sizeName: string;
  minSize: number;
  maxSize: number;
  organisation(options: DemoDataOptions): DemoOrganisation;
  /**
   * The records in batches; each batch is written in one transaction. References point to records of
   * the same or an earlier batch (records of one batch may refer to each other).
   */
  batches(options: DemoDataOptions): Iterable<DemoRecord[]>;
}
