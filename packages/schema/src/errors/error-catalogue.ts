import type { ValidationIssue } from '../document/validation-error.js';

/**
 * The one error catalogue: every code the platform returns, its HTTP status and a default message.
 * The wire shape is `{"error": {"code", "message", "details": [{"path", "message"}]}}`.
 */
export const ERROR_CATALOGUE = {
  BAD_REQUEST: { status: 400, message: 'The request is malformed.' },
  VALIDATION_FAILED: { status: 400, message: 'Some values are invalid.' },
  INVALID_FILTER: { status: 400, message: 'The filter is invalid.' },
  INVALID_SORT: { status: 400, message: 'The sort is invalid.' },
  INVALID_CURSOR: { status: 400, message: 'The cursor is invalid or expired.' },
  UNAUTHENTICATED: { status: 401, message: 'Sign in first.' },
  FORBIDDEN: { status: 403, message: 'You do not have the right to do this.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed.' },
  VERSION_CONFLICT: { status: 409, message: 'The record was changed by someone else.' },
  DRAFT_CONFLICT: { status: 409, message: 'The draft was changed by someone else.' },
  UNIQUE_VIOLATION: { status: 409, message: 'A record with this value already exists.' },
  CONFLICT: { status: 409, message: 'The request conflicts with the current state.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send JSON (application/json).' },
  PUBLISH_BLOCKED: { status: 422, message: 'Publishing would break existing data.' },
  REFERENCE_NOT_FOUND: { status: 422, message: 'A referenced record does not exist.' },
  UNPROCESSABLE: { status: 422, message: 'The request cannot be carried out.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; retry later.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
  UNAVAILABLE: { status: 503, message: 'The service is starting or unavailable.' },
} as const satisfies Record<string, { status: number; message: string }>;

/** A code of {@link ERROR_CATALOGUE}. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Extra detail of an error: where, and what. Same shape as a validation issue. */
export interface ErrorDetail extends ValidationIssue {
  /** Records concerned, e.g. those whose values block a type change. */
  recordIds?: string[];
}

/**
 * The error every layer throws for expected failures; the server turns it into the wire shape.
 * @example throw new DougongError('NOT_FOUND', 'No such record.')
 */
export class DougongError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[];
  /** Extra top-level fields of the error body (e.g. `currentVersion` on a conflict). */
  readonly extra: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message?: string,
    details: ErrorDetail[] = [],
    extra: Record<string, unknown> = {},
  ) {
    super(message ?? ERROR_CATALOGUE[code].message);
    this.name = 'DougongError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.details = details;
    this.extra = extra;
  }

  /** The JSON body sent to clients. */
  toJSON(): {
    error: { code: ErrorCode; message: string; details: ErrorDetail[] } & Record<string, unknown>;
  } {
    return { error: { code: this.code, message: this.message, details: this.details, ...this.extra } };
  }
}

/** True when a value is a {@link DougongError}. */
export function isDougongError(value: unknown): value is DougongError {
  return value instanceof DougongError;
}
