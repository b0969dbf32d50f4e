import { DougongError, isDougongError } from '@dougong/schema';
import type { FastifyError, FastifyInstance } from 'fastify';

/** Turns Fastify's own errors into catalogue errors, so every response has the one wire shape. */
export function toDougongError(error: unknown): DougongError {
  if (isDougongError(error)) return error;
  const e = error as FastifyError & {
    validation?: Array<{ instancePath: string; message?: string; params?: Record<string, unknown> }>;
    validationContext?: string;
  };
  if (e?.validation) {
    const context = e.validationContext ?? 'body';
    return new DougongError(
      'VALIDATION_FAILED',
      undefined,
      e.validation.map((v) => {
        const extra = v.params?.additionalProperty ?? v.params?.missingProperty;
        return {
          path: `/${context}${v.instancePath}${extra ? `/${String(extra)}` : ''}`,
          message: v.message ?? 'is invalid',
        };
      }),
    );
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new DougongError('PAYLOAD_TOO_LARGE', undefined, [
        { path: '', message: 'is larger than this endpoint accepts' },
      ]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new DougongError('UNSUPPORTED_MEDIA_TYPE', undefined, [
        { path: '/headers/content-type', message: 'must be application/json' },
      ]);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new DougongError('BAD_REQUEST', 'The JSON body is empty.', [{ path: '', message: 'is empty' }]);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new DougongError('BAD_REQUEST', 'Content-Length does not match the body.');
    default:
      break;
  }
  if (
    e instanceof SyntaxError ||
    e?.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    (e?.statusCode === 400 && /JSON|proto/i.test(e.message ?? ''))
  ) {
    return new DougongError('BAD_REQUEST', 'The body is not valid JSON.', [
      { path: '', message: 'is not valid JSON' },
    ]);
  }
  if (typeof e?.statusCode === 'number' && e.statusCode === 429) return new DougongError('RATE_LIMITED');
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new DougongError('BAD_REQUEST', 'The request is malformed.');
  }
  return new DougongError('INTERNAL');
}

/** Installs the error and not-found handlers. Internal errors are logged, never echoed. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const mapped = toDougongError(error);
    if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
    if (mapped.status === 429) void reply.header('Retry-After', String(mapped.extra.retryAfter ?? 60));
    void reply.status(mapped.status).type('application/json; charset=utf-8').send(mapped.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new DougongError(
      'NOT_FOUND',
      `No route ${request.method} ${request.url.split('?')[0]?.slice(0, 200)}.`,
    );
    void reply.status(404).send(error.toJSON());
  });
}
