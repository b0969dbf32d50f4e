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
    '/api/apps/{app}/versions/{version}': {
      get: {
        summary: 'One published version with its document',
        parameters: [pathParam('app'), pathParam('version')],
        responses: { 200: { description: 'Version' }, ...errorResponses([404]) },
      },
    },
    '/api/apps/{app}/versions/{version}/rollback': {
      post: {
        summary: 'Republish an earlier version as version + 1 (dryRun=true: plan only)',
        parameters: [pathParam('app'), pathParam('version'), queryParam('dryRun', 'boolean')],
        responses: { 200: { description: 'Rolled back or planned' }, ...errorResponses([404, 409, 422]) },
      },
    },
    '/api/apps/{app}/diff': {
      get: {
        summary: 'Structured diff of two documents (version numbers, "published" or "draft")',
        parameters: [pathParam('app'), queryParam('from', 'string'), queryParam('to', 'string')],
        responses: { 200: { description: 'Diff' }, ...errorResponses([400, 404]) },
      },
    },
    '/api/apps/{app}/export': {
      get: {
        summary: 'Export the app as one JSON document',
        parameters: [pathParam('app'), queryParam('version', 'string')],
        responses: { 200: { description: 'Exported app' }, ...errorResponses([404]) },
      },
    },
    '/api/apps/import': {
      post: {
        summary: 'Import an exported app (optionally under a new key); dryRun=true: plan only',
        parameters: [queryParam('dryRun', 'boolean')],
        responses: {
          200: { description: 'Imported or planned' },
          201: { description: 'Created' },
          ...errorResponses([400, 409, 422]),
        },
      },
    },
    '/api/templates': {
      get: {
        summary: 'Bundled templates and the apps installed from them',
        responses: { 200: { description: 'Templates' } },
      },
    },
    '/api/templates/{id}/install': {
      post: {
        summary: 'Install a template as a new app (dryRun=true: plan only)',
        parameters: [pathParam('id')],
        responses: {
          200: { description: 'Dry run' },
          201: { description: 'Installed' },
          ...errorResponses([404, 409]),
        },
      },
    },
    '/api/templates/{id}/upgrade': {
      post: {
        summary:
          'Upgrade an app to the bundled template version, keeping customer changes (dryRun=true: report only)',
        parameters: [pathParam('id')],
        responses: { 200: { description: 'Upgraded' }, ...errorResponses([404, 409, 422]) },
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
      paths[`${base}/{id}/related`] = {
        parameters: [pathParam('id')],
        get: {
          tags: [tag],
          summary: 'Related records: counts and a first page per related list',
          responses: { 200: { description: 'Related lists' }, ...errorResponses([404]) },
        },
      };
      paths[`${base}/{id}/merge-preview`] = {
        parameters: [
          pathParam('id'),
          { name: 'with', in: 'query', required: true, schema: { type: 'string' } },
        ],
        get: {
          tags: [tag],
          summary: 'Field-by-field preview of merging another record into this one',
          responses: { 200: { description: 'Preview' }, ...errorResponses([400, 404]) },
        },
      };
      paths[`${base}/{id}/merge`] = {
        parameters: [pathParam('id')],
        post: {
          tags: [tag],
          summary: 'Merge another record into this one (body: with, version, otherVersion, values)',
          responses: { 200: { description: 'Merged' }, ...errorResponses([400, 403, 404, 409, 422]) },
        },
      };
      paths[`${base.replace(/\/records$/, '')}/duplicates`] = {
        get: {
          tags: [tag],
          summary: 'Suspected duplicates (status=open|merged|dismissed)',
          responses: { 200: { description: 'A page of duplicate links' }, ...errorResponses([400, 404]) },
        },
      };
    }
  }
  return { openapi: '3.1.0', info: { title: 'Dougong API', version }, paths, components: { schemas } };
}

function pathParam(name: string): Json {
  return { name, in: 'path', required: true, schema: { type: 'string' } };
}

function queryParam(name: string, type: 'string' | 'boolean'): Json {
  return { name, in: 'query', required: false, schema: { type } };
}
