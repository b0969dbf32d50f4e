import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { KeySchema, StableIdSchema } from './ids.js';
import { LabelSchema, TextSchema } from './label.js';

/** Node ids inside one flow: short, stable, never positions. */
export const FlowNodeIdSchema = Type.String({ pattern: '^[a-z][a-zA-Z0-9_]{0,39}$' });

/** A rule-language expression (JsonLogic plus platform operations), checked by the rule engine. */
const Expr = Type.Unknown();
/** A handlebars template with the run's variables (`record`, `trigger`, `vars`, `now`). */
const Template = Type.String({ maxLength: 20_000 });
const Next = Type.Optional(FlowNodeIdSchema);
/** Field key → expression: the values a create/update node writes. */
const Values = Type.Record(Type.String({ pattern: '^[a-z][a-zA-Z0-9]{0,62}$' }), Expr, {
  maxProperties: 200,
});
/** A value given inline, or the name of an encrypted flow secret (never stored in metadata). */
const SecretName = Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,62}$' });
const SecretOr = Type.Union([
  Type.String({ maxLength: 4000 }),
  Type.Object({ secret: SecretName }, { additionalProperties: false }),
]);

const node = <K extends string, T extends Record<string, TSchema>>(kind: K, props: T) =>
  Type.Object(
    {
      id: FlowNodeIdSchema,
      kind: Type.Literal(kind),
      label: Type.Optional(LabelSchema),
      ...props,
    },
    { additionalProperties: false },
  );

/** A record event type (behaviour events stored per record). */
const EventTypeSchema = Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_.-]{0,62}$' });

/** Also deliver to the managers of these users (user ids), `managerLevels` up the chain (default 1). */
const ManagerTargets = {
  toManagerOf: Type.Optional(Expr),
  managerLevels: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
};

const ChangedSchema = Type.Object(
  {
    field: KeySchema,
    /** Fires only when the field changed to this value (any change when absent). */
    to: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

/**
 * What starts a flow.
 * @example { "kind": "recordUpdated", "entity": "lead", "changed": [{ "field": "status", "to": "qualified" }] }
 */
export const FlowTriggerSchema = Type.Union([
  Type.Object(
    { kind: Type.Literal('recordCreated'), entity: StableIdSchema, condition: Type.Optional(Expr) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('recordUpdated'),
      entity: StableIdSchema,
      /** Any of these changes fires the flow (every update when absent). */
      changed: Type.Optional(Type.Array(ChangedSchema, { minItems: 1, maxItems: 20 })),
      condition: Type.Optional(Expr),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('recordDeleted'), entity: StableIdSchema },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('scheduled'),
      /** Five- or six-field cron in the app's time zone. */
      cron: Type.String({ minLength: 9, maxLength: 120 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('dateRelative'),
      entity: StableIdSchema,
      /** A date or datetime field key. */
      field: KeySchema,
      /** Minutes after (positive) or before (negative) the field's value. */
      offsetMinutes: Type.Integer({ minimum: -525_600, maximum: 525_600 }),
      /** Re-checked against the record when due; the run starts only if it still holds. */
      condition: Type.Optional(Expr),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('formSubmitted'),
      /** The id of a public form; its submissions start the flow with the record they created. */
      form: Type.String({ pattern: '^[a-z][a-z0-9_-]{0,39}$' }),
      condition: Type.Optional(Expr),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('linkClicked'),
      /** Only clicks on links with this label (the anchor's `data-track`, else its text). */
      label: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('webhook') }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('recordEvent'),
      /** Only events of records of this entity. */
      entity: Type.Optional(StableIdSchema),
      /** Only events of this type (`emailOpened`, `linkClicked`, `formSubmitted` or a posted type). */
      eventType: Type.Optional(EventTypeSchema),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('manual'), entity: Type.Optional(StableIdSchema) },
    { additionalProperties: false },
  ),
]);
/** See {@link FlowTriggerSchema}. */
export type FlowTrigger = Static<typeof FlowTriggerSchema>;

const ApproverSchema = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('user'),
      users: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 50 }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('role'), role: KeySchema }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('departmentHead') }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('manager'), levels: Type.Integer({ minimum: 1, maximum: 10 }) },
    { additionalProperties: false },
  ),
]);

/**
 * One step of a flow; `kind` picks the node type. Expressions are the rule language, templates are
 * handlebars.
 */
export const FlowNodeSchema = Type.Union([
  node('condition', {
    /** Tried in order; the first branch whose condition holds is taken (if / else-if). */
    branches: Type.Array(
      Type.Object({ condition: Expr, next: FlowNodeIdSchema }, { additionalProperties: false }),
      { minItems: 1, maxItems: 20 },
    ),
    /** The else branch; the run's path ends here when absent. */
    else: Next,
  }),
  node('parallel', {
    branches: Type.Array(FlowNodeIdSchema, { minItems: 2, maxItems: 10 }),
    /** The join node the branches meet at. */
    join: FlowNodeIdSchema,
  }),
  node('join', { mode: Type.Union([Type.Literal('all'), Type.Literal('any')]), next: Next }),
  node('delay', { minutes: Type.Integer({ minimum: 0, maximum: 525_600 }), next: Next }),
  node('waitUntil', {
    /** A moment (expression yielding an ISO datetime or date), or … */
    at: Type.Optional(Expr),
    /** … a condition on the (re-read) trigger record, re-checked every `recheckMinutes`. */
    condition: Type.Optional(Expr),
    recheckMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_080 })),
    /** Give up waiting after this many minutes and continue with `timeoutNext` (or `next`). */
    timeoutMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 525_600 })),
    timeoutNext: Next,
    next: Next,
  }),
  node('queryRecords', {
    entity: StableIdSchema,
    filter: Type.Optional(Expr),
    sort: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    next: Next,
  }),
  node('createRecord', { entity: StableIdSchema, values: Values, next: Next }),
  node('updateRecords', {
    /** Every record of `entity` matching `filter` (at most `limit`, default 200) gets `values`. */
    entity: StableIdSchema,
    filter: Expr,
    /** Values per record; expressions read the run scope plus `item` (the record being updated). */
    values: Values,
    sort: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    next: Next,
  }),
  node('updateRecord', {
    entity: StableIdSchema,
    /** Expression yielding the record id; the trigger record when absent. */
    record: Type.Optional(Expr),
    values: Values,
    next: Next,
  }),
  node('assignOwner', {
    /**
     * An assignment rule set of the rule engine (fixed, round-robin, least-loaded, weighted). Targets:
     * `{ team }` (members in `teams`), `{ user }`, `{ role }` (users with the app role),
     * `{ department }` (its members) or `{ lookup: { entity, match, field } }` (the user or department
     * in `field` of the first record of `entity` whose `match` fields equal the record's).
     */
    rules: Type.Unknown(),
    /** Which of a candidate's records count as open for `least-loaded` (a filter over the entity). */
    openFilter: Type.Optional(Expr),
    /** A text field of the record that receives the explanation ("why this owner"). */
    explanationField: Type.Optional(KeySchema),
    /** Further values written with the owner (e.g. `{ "assignedAt": { "now": [] } }`). */
    values: Type.Optional(Values),
    /** Candidates: user id → display name; teams: id → member user ids. */
    teams: Type.Optional(
      Type.Record(
        Type.String({ maxLength: 64 }),
        Type.Array(Type.String({ maxLength: 64 }), { maxItems: 500 }),
      ),
    ),
    /**
     * Assign while the record is being created, in its transaction (imports assign a whole batch at
     * once): only on the start node of a `recordCreated` flow. The run then starts with this node done.
     */
    inline: Type.Optional(Type.Boolean()),
    next: Next,
  }),
  node('createTask', {
    title: Template,
    /** Expression yielding the assignee's user id (default: the record's owner). */
    assignee: Type.Optional(Expr),
    dueInMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 525_600 })),
    remindBeforeMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 525_600 })),
    next: Next,
  }),
  node('sendEmail', {
    /** Expression yielding an address or a list of addresses. */
    to: Type.Optional(Expr),
    /** Expression yielding user ids: their e-mail addresses receive it too. */
    toUsers: Type.Optional(Expr),
    ...ManagerTargets,
    /** Add a signed open-tracking pixel (`/api/public/o/{token}`); opens become record events. */
    trackOpens: Type.Optional(Type.Boolean()),
    subject: Template,
    /** HTML body template (values are escaped). */
    body: Template,
    /** Rewrite `http(s)` links to signed `/api/public/t/{token}` links whose clicks become events. */
    trackLinks: Type.Optional(Type.Boolean()),
    next: Next,
  }),
  node('notify', {
    channel: Type.Union([Type.Literal('inbox'), Type.Literal('dingtalk'), Type.Literal('wecom')]),
    /** Inbox: expression yielding user id(s) (default: the record's owner). */
    to: Type.Optional(Expr),
    ...ManagerTargets,
    /** Robots: the secret holding the robot's webhook URL. */
    webhook: Type.Optional(Type.Object({ secret: SecretName }, { additionalProperties: false })),
    title: Template,
    text: Template,
    next: Next,
  }),
  node('httpRequest', {
    method: Type.Union(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => Type.Literal(m))),
    url: Template,
    headers: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }), SecretOr, { maxProperties: 30 }),
    ),
    /** A JSON body template: strings inside are handlebars templates. */
    body: Type.Optional(Type.Unknown()),
    /** Variable name → JSON Pointer into the response body. */
    responseMap: Type.Optional(
      Type.Record(KeySchema, Type.String({ maxLength: 500 }), { maxProperties: 50 }),
    ),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000 })),
    next: Next,
  }),
  node('approval', {
    approvers: ApproverSchema,
    mode: Type.Union([Type.Literal('all'), Type.Literal('any')]),
    timeoutMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 525_600 })),
    /** On timeout, hand pending approvals to each approver's manager (once). */
    escalate: Type.Optional(Type.Boolean()),
    approved: Next,
    rejected: Next,
    returned: Next,
  }),
  node('recomputeScore', {
    /**
     * A scoring model of the rule engine: attribute and behaviour conditions, grade thresholds. When
     * absent, the entity's `scoring` (model and fields) is used, with the record's stored events.
     */
    model: Type.Optional(Type.Unknown()),
    /** The number field of the trigger record that receives the total (required with `model`). */
    scoreField: Type.Optional(KeySchema),
    /** The field that receives the grade (optional). */
    gradeField: Type.Optional(KeySchema),
    /** Expression yielding the behaviour events (`[{ type, at, data? }]`), e.g. `{ "var": "trigger.events" }`. */
    events: Type.Optional(Expr),
    /** Also count the record's stored events (always with the entity's scoring). */
    recordEvents: Type.Optional(Type.Boolean()),
    /** Rescore every record of this entity matching `filter` (at most `limit`) instead of the trigger record. */
    entity: Type.Optional(StableIdSchema),
    filter: Type.Optional(Expr),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
    /**
     * Score while the record is being created, in its transaction (a new record has no stored events):
     * only on the start node of a `recordCreated` flow, without `events`, `entity` or `filter`.
     */
    inline: Type.Optional(Type.Boolean()),
    next: Next,
  }),
  node('end', {}),
]);
/** See {@link FlowNodeSchema}. */
export type FlowNode = Static<typeof FlowNodeSchema>;
/** The `kind` of a {@link FlowNode}. */
export type FlowNodeKind = FlowNode['kind'];

/**
 * A flow: a trigger and a graph of nodes (no cycles), starting at `start`.
 * @example
 * { "id": "welcome", "key": "welcome", "label": { "en": "Welcome e-mail" },
 *   "trigger": { "kind": "recordCreated", "entity": "lead" }, "start": "mail",
 *   "nodes": [{ "id": "mail", "kind": "sendEmail", "to": { "var": "record.email" },
 *               "subject": "Welcome {{record.name}}", "body": "<p>Hello</p>" }] }
 */
export const FlowSchema = Type.Object(
  {
    id: StableIdSchema,
    key: KeySchema,
    label: LabelSchema,
    description: Type.Optional(TextSchema),
    /** Disabled flows start no runs; runs already started finish. Default true. */
    enabled: Type.Optional(Type.Boolean()),
    /** At most one run per trigger record, ever (e.g. a whitepaper sent once however often a link is clicked). */
    oncePerRecord: Type.Optional(Type.Boolean()),
    trigger: FlowTriggerSchema,
    start: FlowNodeIdSchema,
    nodes: Type.Array(FlowNodeSchema, { minItems: 1, maxItems: 200 }),
    /**
     * How often the trigger is expected to fire (ISO 8601 duration, e.g. `P3D`, `PT12H`): the watchdog
     * raises one in-app alert when a flow that fired before has been silent for longer.
     */
    expectedEvery: Type.Optional(
      Type.String({ pattern: '^P(?!$)(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?)?$', maxLength: 40 }),
    ),
    /** Retries of a failing step: attempts in all (default 5), first delay and cap in ms. */
    retry: Type.Optional(
      Type.Object(
        {
          maxAttempts: Type.Integer({ minimum: 1, maximum: 20 }),
          baseDelayMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 3_600_000 })),
          maxDelayMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400_000 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
/** See {@link FlowSchema}. */
export type Flow = Static<typeof FlowSchema>;
