/** Runtime configuration, read from the environment once at start-up. */
export interface Config {
  port: number;
  host: string;
  /** PostgreSQL connection string; undefined runs the embedded database. */
  databaseUrl: string | undefined;
  /** Where the embedded database keeps its files. */
  dataDir: string;
  /** First start only: the admin's password (else one is generated and printed once). */
  adminPassword: string | undefined;
  /** Templates installed on first start (default: `sales` on the embedded database, none on PostgreSQL). */
  installTemplates: string[];
  logLevel: string;
}

/** Reads {@link Config} from environment variables; throws a readable error for bad values. */
export function readConfig(env: NodeJS.ProcessEnv): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const templates = env.DOUGONG_TEMPLATES ?? (databaseUrl ? '' : 'sales');
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    databaseUrl,
    dataDir: env.DATA_DIR ?? './data',
    adminPassword: env.ADMIN_PASSWORD || undefined,
    installTemplates: templates
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
