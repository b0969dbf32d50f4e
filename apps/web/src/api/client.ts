/** An error answer of the API, in its one wire shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Array<{ path: string; message: string }> = [],
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;

/** Remembers the session's CSRF token (from sign-in or /api/auth/me). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Calls the API with JSON in and out; sends the CSRF token on writes; throws {@link ApiError}. */
export async function api<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  if (method !== 'GET' && csrfToken) (init.headers as Record<string, string>)['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, 'NETWORK', 'network');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!response.ok) throw apiError(response, parsed);
  return parsed as T;
}

/** The {@link ApiError} of a failed response, read from the one error shape of the API. */
function apiError(response: Response, parsed: Record<string, unknown>): ApiError {
  const error = (parsed.error ?? {}) as {
    code?: string;
    message?: string;
    details?: Array<{ path: string; message: string }>;
  };
  return new ApiError(
    response.status,
    error.code ?? 'ERROR',
    error.message ?? response.statusText,
    error.details ?? [],
    error as Record<string, unknown>,
  );
}

/** Builds a query string, leaving out empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Uploads a file for an attachment field; returns what the field stores. */
export async function uploadFile(
  file: File,
): Promise<{ id: string; name: string; size: number; mimeType: string }> {
  const headers: Record<string, string> = {
    'content-type': file.type || 'application/octet-stream',
    'x-file-name': encodeURIComponent(file.name),
  };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch('/api/files', {
    method: 'POST',
    credentials: 'same-origin',
    headers,
    body: file,
  });
  const parsed = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw apiError(response, parsed);
  return parsed as { id: string; name: string; size: number; mimeType: string };
}
