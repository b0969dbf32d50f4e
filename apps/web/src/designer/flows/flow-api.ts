import type { Flow } from '@dougong/schema';
import { api } from '../../api/client';

/** One step of a test run: the node, the parallel branch it ran on, its output and captured effect. */
export interface TestStep {
  nodeId: string;
  branch: string;
  output: unknown;
  effect?: { kind: string } & Record<string, unknown>;
  note?: string;
}

/** What a test run did: the path taken, each step's output, the effects captured instead of performed. */
export interface TestRun {
  path: string[];
  steps: TestStep[];
  effects: Array<{ kind: string } & Record<string, unknown>>;
  status: 'succeeded' | 'failed';
  error?: string;
}

/**
 * Runs a flow in test mode on the server (`POST /api/apps/{app}/flows/{flow}/test`) with the designer's
 * definition of it — saved or not — against a real record (`recordId`) or sample values (`record`).
 * Nothing is written; e-mails, calls and record writes are captured.
 */
export function testFlow(
  app: string,
  flow: Flow,
  input: { recordId: string } | { record: Record<string, unknown> } | Record<string, never>,
): Promise<TestRun> {
  return api<TestRun>('POST', `/api/apps/${app}/flows/${encodeURIComponent(flow.key)}/test`, {
    flow,
    ...input,
  });
}
