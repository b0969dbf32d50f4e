import { type AppModel, type EntityModel, FIELD_TYPE_REGISTRY, type Field, labelFor } from '@dougong/schema';

type Json = Record<string, unknown>;

const ERROR_SCHEMA: Json = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
};

const SYSTEM_PROPERTIES: Json = {
  id: { type: 'string', format: 'uuid', readOnly: true },
  version: { type: 'integer', readOnly: true },
  createdAt: { type: 'string', format: 'date-time', readOnly: true },
  createdBy: { type: ['string', 'null'], format: 'uuid', readOnly: true },
  updatedAt: { type: 'string', format: 'date-time', readOnly: true },
  updatedBy: { type: ['string', 'null'], format: 'uuid', readOnly: true },
  ownerId: { type: ['string', 'null'], format: 'uuid' },
  ownerDeptId: { type: ['string', 'null'], format: 'uuid' },
  deletedAt: { type: ['string', 'null'], format: 'date-time', readOnly: true },
};

function valueSchema(field: Field, app: AppModel): Json {
  if (field.type === 'subTable') {
    const child = app.entitiesById.get(field.childEntity);
    return {
      type: 'array',
      items: child ? { $ref: `#/components/schemas/${schemaName(app, child)}` } : { type: 'object' },
    };
  }
  const spec = FIELD_TYPE_REGISTRY[field.type] as { valueSchema(f: Field): Json };
  const value = spec.valueSchema(field);
  return {
    // A field without a value reads as null (and may be cleared with null) unless it is required.
    ...(field.required ? value : { anyOf: [value, { type: 'null' }] }),
    description: labelFor(field.label, 'zh-CN') || undefined,
    title: labelFor(field.label, 'en') || undefined,
  };
}

function schemaName(app: AppModel, entity: EntityModel): string {
  return `${app.document.key}_${entity.entity.key}`;
}

function entitySchema(app: AppModel, entity: EntityModel): Json {
  const properties: Json = { ...SYSTEM_PROPERTIES };
  const required: string[] = [];
  for (const field of entity.entity.fields) {
    properties[field.key] = valueSchema(field, app);
    if (field.required) required.push(field.key);
  }
  return {
    type: 'object',
    properties,
    ...(required.length ? { required } : {}),
    title: labelFor(entity.entity.label, 'en'),
  };
}

const errorResponses = (codes: number[]): Json =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      {
        description: 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );

/**
 * Builds the OpenAPI 3.1 document from the live published metadata: generic metadata routes plus one
 * typed set of record routes per entity.
 */
export function buildOpenApi(apps: AppModel[], version: string): Json {
  const schemas: Json = { Error: ERROR_SCHEMA };
  const paths: Json = {
    '/api/health': { get: { summary: 'Health', responses: { 200: { description: 'OK' } } } },
    '/api/apps': { get: { summary: 'List apps', responses: { 200: { description: 'Apps' } } } },
    '/api/apps/{app}': {
      get: {
        summary: 'Published metadata of an app',
        parameters: [pathParam('app')],
        responses: { 200: { description: 'Document' }, ...errorResponses([404]) },
      },
    },
    '/api/apps/{app}/draft': {
      put: {
        summary: 'Save a draft (validated)',
        parameters: [pathParam('app')],
        responses: { 200: { description: 'Saved' }, ...errorResponses([400, 409, 413]) },
      },
    },
    '/api/apps/{app}/plan': {
      post: {
        summary: 'Dry-run: migration plan and data checks',
        parameters: [pathParam('app')],
        responses: { 200: { description: 'Plan' } },
      },
    },
    '/api/apps/{app}/publish': {
      post: {
        summary: 'Apply the plan and publish (version + 1)',
        parameters: [pathParam('app')],
        responses: { 200: { description: 'Published' }, ...errorResponses([409, 422]) },
      },
    },
    '/api/apps/{app}/versions': {
      get: {
        summary: 'Published versions',
        parameters: [pathParam('app')],
        responses: { 200: { description: 'Versions' } },
      },
    },
  };
  for (const app of apps) {
    for (const entity of app.entitiesById.values()) {
      const name = schemaName(app, entity);
      schemas[name] = entitySchema(app, entity);
      if (entity.entity.kind === 'child') continue;
      const ref = { $ref: `#/components/schemas/${name}` };
      const json = (schema: Json) => ({ content: { 'application/json': { schema } } });
      const base = `/api/apps/${app.document.key}/entities/${entity.entity.key}/records`;
      const tag = `${app.document.key} · ${labelFor(entity.entity.label, 'zh-CN')} (${entity.entity.key})`;
      paths[base] = {
        get: {
          tags: [tag],
          summary: `List ${entity.entity.key}`,
          parameters: ['filter', 'sort', 'q', 'limit', 'cursor', 'expand', 'count'].map((n) => ({
            name: n,
            in: 'query',
            required: false,
            schema: { type: n === 'limit' ? 'integer' : 'string' },
          })),
          responses: {
            200: {
              description: 'A page',
              ...json({
                type: 'object',
                properties: {
                  items: { type: 'array', items: ref },
                  nextCursor: { type: ['string', 'null'] },
                  total: { type: 'integer' },
                  totalExact: { type: 'boolean' },
                },
              }),
            },
            ...errorResponses([400, 404]),
          },
        },
        post: {
          tags: [tag],
          summary: `Create ${entity.entity.key}`,
          requestBody: json(ref),
          responses: {
            201: { description: 'Created', ...json(ref) },
            ...errorResponses([400, 409, 413, 422]),
          },
        },
      };
      paths[`${base}/{id}`] = {
        parameters: [pathParam('id')],
        get: {
          tags: [tag],
          summary: `Get ${entity.entity.key}`,
          responses: { 200: { description: 'Record', ...json(ref) }, ...errorResponses([404]) },
        },
        patch: {
          tags: [tag],
          summary: `Update ${entity.entity.key} (send version or If-Match)`,
          requestBody: json(ref),
          responses: {
            200: { description: 'Updated', ...json(ref) },
            ...errorResponses([400, 404, 409, 422]),
          },
        },
        delete: {
          tags: [tag],
          summary: `Delete ${entity.entity.key} (soft)`,
          responses: { 204: { description: 'Deleted' }, ...errorResponses([404, 409]) },
        },
      };
      paths[`${base}/{id}/restore`] = {
        parameters: [pathParam('id')],
        post: {
          tags: [tag],
          summary: 'Restore a deleted record',
          responses: { 200: { description: 'Restored' } },
        },
      };
      paths[`${base}/{id}/history`] = {
        parameters: [pathParam('id')],
        get: { tags: [tag], summary: 'Audit history', responses: { 200: { description: 'History' } } },
      };
    }
  }
  return { openapi: '3.1.0', info: { title: 'Dougong API', version }, paths, components: { schemas } };
}

function pathParam(name: string): Json {
  return { name, in: 'path', required: true, schema: { type: 'string' } };
}
