import { OPEN_GATE } from '@dougong/db';
import { formById, HONEYPOT_FIELD, publicFormDefinition, publicSubmission } from '@dougong/forms';
import { DougongError } from '@dougong/schema';
import type { FastifyInstance } from 'fastify';
import { WindowLimiter } from '../auth/auth-hooks.js';
import { repositoryFor, type ServerContext } from '../http/request-context.js';

/** Submissions one IP address may send per minute, over all public forms. */
export const PUBLIC_SUBMISSIONS_PER_MINUTE = 10;
/** Form definitions one IP address may fetch per minute. */
export const PUBLIC_DEFINITIONS_PER_MINUTE = 120;
/** Largest submission body, in bytes. */
export const PUBLIC_SUBMISSION_MAX_BYTES = 32 * 1024;

interface FormParams {
  app: string;
  formId: string;
}

interface SubmissionBody {
  values: Record<string, unknown>;
  referrer?: string;
  query?: Record<string, string>;
  [HONEYPOT_FIELD]?: string;
}

const submissionBody = {
  type: 'object',
  required: ['values'],
  additionalProperties: false,
  properties: {
    values: { type: 'object', maxProperties: 200 },
    referrer: { type: 'string', maxLength: 2048 },
    query: {
      type: 'object',
      maxProperties: 50,
      additionalProperties: { type: 'string', maxLength: 2048 },
    },
    [HONEYPOT_FIELD]: { type: 'string', maxLength: 2048 },
  },
} as const;

/**
 * The anonymous side of public forms (the `/api/public/` prefix needs no sign-in):
 * `GET /api/public/forms/{app}/{formId}` — the form's public definition (its own fields only), and
 * `POST /api/public/forms/{app}/{formId}/submissions` — creates a record as the system, attributed to its
 * source. Protected by a honeypot (a filled one is answered like a success and stores nothing), a per-IP
 * rate limit (429 with Retry-After) and a body size limit (413).
 */
export function registerPublicFormRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const submissions = new WindowLimiter(PUBLIC_SUBMISSIONS_PER_MINUTE, 60_000);
  const definitions = new WindowLimiter(PUBLIC_DEFINITIONS_PER_MINUTE, 60_000);

  const publicForm = async (params: FormParams) => {
    const repo = await repositoryFor(ctx, params.app);
    const form = /^[a-z][a-z0-9_-]{0,39}$/.test(params.formId)
      ? formById(repo.app.document, params.formId)
      : undefined;
    if (form?.kind !== 'public' || !form.public) throw new DougongError('NOT_FOUND', 'No such form.');
    const model = repo.app.entitiesById.get(form.entity);
    if (!model) throw new DougongError('NOT_FOUND', 'No such form.');
    return { repo, form, model };
  };

  app.get<{ Params: FormParams }>('/api/public/forms/:app/:formId', async (request) => {
    definitions.hit(request.ip, ctx.now().getTime());
    const { repo, form } = await publicForm(request.params);
    return publicFormDefinition(repo.app.document, form);
  });

  app.post<{ Params: FormParams; Body: SubmissionBody; Querystring: Record<string, unknown> }>(
    '/api/public/forms/:app/:formId/submissions',
    { bodyLimit: PUBLIC_SUBMISSION_MAX_BYTES, schema: { body: submissionBody } },
    async (request, reply) => {
      submissions.hit(request.ip, ctx.now().getTime());
      const { repo, form, model } = await publicForm(request.params);
      const thankYou = form.public!.thankYou;
      void reply.status(201);
      // A bot that fills the hidden field is told it succeeded, so it learns nothing; nothing is stored.
      if (request.body[HONEYPOT_FIELD]) return { ok: true, thankYou };
      const referer = request.headers.referer;
      const submission = publicSubmission(repo.app.document, form, {
        values: request.body.values,
        query: { ...request.query, ...request.body.query },
        referrer: request.body.referrer ?? (typeof referer === 'string' ? referer : undefined),
      });
      if (!submission.ok) throw new DougongError('VALIDATION_FAILED', undefined, submission.issues);
      for (const key of submission.references) {
        // An attribution link naming a record that does not exist is ignored, never an error.
        const field = model.fieldsByKey.get(key);
        const target = field?.type === 'reference' ? repo.app.entitiesById.get(field.target) : undefined;
        const found =
          target &&
          (await repo.get(target, String(submission.payload[key])).then(
            () => true,
            () => false,
          ));
        if (!found) delete submission.payload[key];
      }
      await repo.create(
        model,
        submission.payload,
        { userId: null, form: form.id, now: ctx.now() },
        OPEN_GATE,
      );
      return { ok: true, thankYou };
    },
  );
}
