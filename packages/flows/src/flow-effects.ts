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
