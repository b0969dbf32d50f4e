import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FlowServerOptions } from '@dougong/server';

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

/**
 * Flow settings from the environment: `DOUGONG_SECRET_KEY` (else a key file kept in `DATA_DIR`, outside
 * the database), `SMTP_HOST` / `SMTP_PORT` / `SMTP_USER` / `SMTP_PASSWORD` / `SMTP_FROM`,
 * `FLOW_HTTP_ALLOW` (hosts flows may call; empty = any public host), `FLOW_HTTP_ALLOW_PRIVATE`
 * (`host:port` allowed although private), `FLOW_POLL_MS`, `FLOW_WORKER_ID`.
 */
export function readFlowConfig(env: NodeJS.ProcessEnv, dataDir: string): FlowServerOptions {
  let secretKey = env.DOUGONG_SECRET_KEY;
  if (!secretKey) {
    const file = resolve(dataDir, 'flow-secret.key');
    if (!existsSync(file)) {
      mkdirSync(resolve(dataDir), { recursive: true });
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    }
    secretKey = readFileSync(file, 'utf8').trim();
  }
  return {
    secretKey,
    ...(env.SMTP_HOST
      ? {
          smtp: {
            host: env.SMTP_HOST,
            port: Number(env.SMTP_PORT ?? 25),
            secure: env.SMTP_SECURE === 'true',
            ...(env.SMTP_USER ? { user: env.SMTP_USER, password: env.SMTP_PASSWORD ?? '' } : {}),
            from: env.SMTP_FROM ?? 'dougong@localhost',
          },
        }
      : {}),
    http: { allowHosts: list(env.FLOW_HTTP_ALLOW), allowPrivate: list(env.FLOW_HTTP_ALLOW_PRIVATE) },
    ...(env.FLOW_POLL_MS ? { pollMs: Number(env.FLOW_POLL_MS) } : {}),
    ...(env.FLOW_WORKER_ID ? { workerId: env.FLOW_WORKER_ID } : {}),
    ...(env.FLOW_LEASE_MS ? { leaseMs: Number(env.FLOW_LEASE_MS) } : {}),
    ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL } : {}),
  };
}
