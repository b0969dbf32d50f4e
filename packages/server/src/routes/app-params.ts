import { DougongError } from '@dougong/schema';

/** The shape of an app key. */
export const APP_KEY = /^[a-z][a-z0-9_]{1,30}$/;

/** The app key of a path; 404 for anything that cannot be one. */
export function appKey(key: string): string {
  if (!APP_KEY.test(key)) throw new DougongError('NOT_FOUND', 'No such app.');
  return key;
}

/** Reads a draft revision from `If-Match` (`"3"`, `W/"3"` or `3`), else from the body. */
export function revisionFrom(
  header: string | string[] | undefined,
  bodyRevision: unknown,
): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined) {
    const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(value);
    if (!match)
      throw new DougongError('BAD_REQUEST', undefined, [
        { path: '/headers/if-match', message: 'must be a draft revision such as "3"' },
      ]);
    return Number(match[1]);
  }
  if (bodyRevision === undefined) return undefined;
  if (!Number.isSafeInteger(bodyRevision))
    throw new DougongError('BAD_REQUEST', undefined, [
      { path: '/expectedRevision', message: 'must be an integer' },
    ]);
  return bodyRevision as number;
}
