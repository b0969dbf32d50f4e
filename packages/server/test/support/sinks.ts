import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A local SMTP server that counts the messages it receives, by Message-ID. */
export interface SmtpSink {
  port: number;
  messages: Array<{ messageId: string; to: string[]; raw: string }>;
  close(): Promise<void>;
}

export async function startSmtpSink(port = 0): Promise<SmtpSink> {
  const messages: SmtpSink['messages'] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => {
        raw += c.toString('utf8');
      });
      stream.on('end', () => {
        const messageId = /^Message-ID:\s*(.+)$/im.exec(raw)?.[1]?.trim() ?? '';
        messages.push({ messageId, to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  // Killed clients reset connections; that is the point of the tests, not an error.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A local HTTP server that records requests (with their Idempotency-Key) and answers JSON. */
export interface HttpSink {
  port: number;
  url: string;
  requests: Array<{ method: string; path: string; key: string | undefined; body: string }>;
  /** Answers a path with a redirect, a status or a big body instead of `{ ok: true }`. */
  routes: Map<string, (res: http.ServerResponse) => void>;
  close(): Promise<void>;
}

export async function startHttpSink(port = 0): Promise<HttpSink> {
  const requests: HttpSink['requests'] = [];
  const routes = new Map<string, (res: http.ServerResponse) => void>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      const key = req.headers['idempotency-key'];
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        key: typeof key === 'string' ? key : undefined,
        body,
      });
      const route = routes.get(req.url ?? '');
      if (route) return route(res);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, id: `R-${requests.length}` }));
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    requests,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
