/**
 * A UUID in its text form, any version, either case (ids of records, users, departments, files, runs).
 * A path or payload id that does not match it is refused before any query.
 */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
