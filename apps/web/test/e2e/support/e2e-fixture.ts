import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppStore, IdentityStore, migrateSystem } from '@dougong/db';
import { createTestDatabase, type TestDatabase } from '@dougong/db/testing';
import { buildServer, hashPassword } from '@dougong/server';
import { salesApp } from '@dougong/template-sales';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';

const ARTIFACTS = fileURLToPath(new URL('../../../../../artifacts/e2e', import.meta.url));

/** The admin's password in browser tests. */
export const E2E_PASSWORD = 'E2e-admin-2026';

/** Flags that work for headless Chromium on these machines (no network, root, no GPU). */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The system Chromium, or undefined when this machine has none (the tests are then skipped). */
export function chromiumPath(): string | undefined {
  for (const candidate of [
    process.env.CHROMIUM_PATH,
    process.env.PUPPETEER_EXECUTABLE_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
  ]) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The administrator signed in to the API: JSON requests carrying the session cookie and CSRF token. */
export interface AdminSession {
  userId: string;
  /** The session cookie (`name=value`), for plain requests such as file downloads. */
  cookie: string;
  /** Calls the API; answers the status and the parsed JSON body (undefined when empty). */
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
}

/** Signs the administrator in to the API of a running server. */
async function adminSession(baseUrl: string): Promise<AdminSession> {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: E2E_PASSWORD }),
  });
  if (!login.ok) throw new Error(`admin sign-in failed: ${login.status}`);
  const cookie = String(login.headers.get('set-cookie')).split(';')[0]!;
  const session = (await login.json()) as { csrfToken: string; user: { id: string } };
  return {
    userId: session.user.id,
    cookie,
    async request(method, path, body, headers = {}) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          cookie,
          'x-csrf-token': session.csrfToken,
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
  };
}

/** A running platform with the sales template, served with the built web app, and a browser. */
export interface E2eFixture {
  database: TestDatabase;
  server: FastifyInstance;
  baseUrl: string;
  browser: Browser;
  /** The administrator's API session. */
  admin: AdminSession;
  newPage(width?: number, height?: number): Promise<Page>;
  /** Signs in as the admin, or as the given user. */
  signIn(page: Page, user?: { username: string; password: string }): Promise<void>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/** What a fixture's server offers beyond the defaults. */
export interface E2eOptions {
  /** Template packages offered for install and upgrade (none by default). */
  templates?: Parameters<typeof buildServer>[0]['templates'];
}

/** Builds the web app from the current sources (about a second), then starts the server and the browser. */
export async function startE2e(options: E2eOptions = {}): Promise<E2eFixture> {
  const { build } = await import('vite');
  // Each run builds into its own directory: runs side by side never serve each other's half-written files.
  const webRoot = mkdtempSync(join(tmpdir(), 'dougong-web-'));
  await build({
    root: fileURLToPath(new URL('../../..', import.meta.url)),
    logLevel: 'warn',
    build: { outDir: webRoot, emptyOutDir: true },
  });
  const database = await createTestDatabase();
  await migrateSystem(database.db);
  await new IdentityStore(database.db).ensureFirstAdmin(await hashPassword(E2E_PASSWORD));
  const store = new AppStore(database.db);
  await store.saveDraft('sales', salesApp(), { actor: null });
  await store.publish('sales', { actor: null });
  const server = await buildServer({
    database,
    webRoot,
    metadataPollMs: 0,
    ...(options.templates ? { templates: options.templates } : {}),
  });
  const baseUrl = await server.listen({ port: 0, host: '127.0.0.1' });
  const admin = await adminSession(baseUrl);
  const browser = await chromium.launch({ executablePath: chromiumPath()!, args: CHROMIUM_FLAGS });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    database,
    server,
    baseUrl,
    browser,
    admin,
    async newPage(width = 1280, height = 800) {
      const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
      return context.newPage();
    },
    async signIn(page, user = { username: 'admin', password: E2E_PASSWORD }) {
      await page.goto(`${baseUrl}/login`);
      await page.getByLabel(/用户名|User name/).fill(user.username);
      await page.getByLabel(/密码|Password/).fill(user.password);
      await page.getByRole('button', { name: /登录|Sign in/ }).click();
      await page.getByTestId('locale-switch').waitFor();
    },
    async screenshot(page, name) {
      await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
    },
    async close() {
      await browser.close();
      await server.close();
      await database.close();
      rmSync(webRoot, { recursive: true, force: true });
    },
  };
}
