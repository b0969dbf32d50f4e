import type { BehaviourEvent } from '@dougong/rules';
import type { FlowNode } from '@dougong/schema';

/** A header value as metadata gives it: inline, or the name of an encrypted secret. */
export type SecretRef = string | { readonly secret: string };

/**
 * A side effect a step asks for, as plain data. The runtime performs it once per idempotency key; test
 * mode captures it instead. Adding a kind without a performer fails to compile (see the runtime).
 */
export type FlowEffect =
  | {
      readonly kind: 'sendEmail';
      readonly to: readonly string[];
      readonly subject: string;
      readonly html: string;
      /** Rewrite the body's links to signed tracking links before sending. */
      readonly trackLinks?: boolean;
      /** Append a signed open-tracking pixel. */
      readonly trackOpens?: boolean;
      /** Users whose e-mail addresses receive it too. */
      readonly toUsers?: readonly string[];
      /** Users whose managers (`managerLevels` up, default 1) receive it too. */
      readonly managersOf?: readonly string[];
      readonly managerLevels?: number;
    }
  | {
      readonly kind: 'httpRequest';
      readonly method: string;
      readonly url: string;
      readonly headers: Readonly<Record<string, SecretRef>>;
      readonly body: unknown;
      readonly timeoutMs: number;
    }
  | {
      readonly kind: 'robot';
      readonly channel: 'dingtalk' | 'wecom';
      readonly webhookSecret: string;
      /** The robot's JSON message, in the channel's own format. */
      readonly message: unknown;
    }
  | {
      readonly kind: 'inbox';
      readonly users: readonly string[];
      readonly title: string;
      readonly text: string;
      /** Users whose managers (`managerLevels` up, default 1) receive it too. */
      readonly managersOf?: readonly string[];
      readonly managerLevels?: number;
    }
  | { readonly kind: 'createRecord'; readonly entity: string; readonly values: Record<string, unknown> }
  | {
      readonly kind: 'updateRecord';
      readonly entity: string;
      readonly id: string;
      readonly values: Record<string, unknown>;
    }
  | {
      readonly kind: 'queryRecords';
      readonly entity: string;
      readonly filter: unknown;
      readonly sort: string | undefined;
      readonly limit: number;
    }
  | {
      readonly kind: 'assignOwner';
      readonly entity: string;
      readonly id: string;
      readonly record: Record<string, unknown>;
      readonly rules: unknown;
      readonly teams: Readonly<Record<string, readonly string[]>>;
      /** Which records count as open for least-loaded (a filter over the entity). */
      readonly openFilter?: unknown;
      /** The text field receiving the explanation. */
      readonly explanationField?: string;
      /** Further values written with the owner. */
      readonly values?: Readonly<Record<string, unknown>>;
    }
  | {
      readonly kind: 'updateRecords';
      readonly entity: string;
      readonly filter: unknown;
      readonly sort: string | undefined;
      readonly limit: number;
      readonly values: Record<string, unknown>;
    }
  | {
      /** Scores records (the trigger record, or those matching `filter`) and writes the score fields. */
      readonly kind: 'rescore';
      readonly entity: string;
      /** One record, or null to score every record matching `filter` (at most `limit`). */
      readonly id: string | null;
      readonly filter?: unknown;
      readonly limit: number;
      /** An inline model with its fields, or null for the entity's `scoring`. */
      readonly model: unknown;
      readonly scoreField?: string;
      readonly gradeField?: string;
      /** Events from the run scope, counted besides the record's stored events. */
      readonly events: readonly BehaviourEvent[];
      /** Count the record's stored events. */
      readonly recordEvents: boolean;
    }
  | {
      readonly kind: 'createTask';
      readonly title: string;
      readonly assignee: string | null;
      readonly dueAt: string | null;
      readonly remindAt: string | null;
    }
  | {
      readonly kind: 'openApproval';
      readonly approvers: Extract<FlowNode, { kind: 'approval' }>['approvers'];
      readonly mode: 'all' | 'any';
      readonly dueAt: string | null;
      /** The submitter: whose department head / managers approve. */
      readonly submitter: string | null;
    };

/** The kind of a {@link FlowEffect}. */
export type FlowEffectKind = FlowEffect['kind'];

/** Effects with no outside party: performed in the database, in the step's own transaction. */
export const LOCAL_EFFECTS: ReadonlySet<FlowEffectKind> = new Set([
  'inbox',
  'createTask',
  'openApproval',
  'queryRecords',
]);
