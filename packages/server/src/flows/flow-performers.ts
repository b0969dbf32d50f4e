import type { ExternalPerformers } from '@dougong/db';
import nodemailer from 'nodemailer';
import { guardedRequest, type HttpPolicy } from './http-guard.js';

/** Where flow e-mail goes. */
export interface SmtpOptions {
  host: string;
  port: number;
  secure?: boolean;
  user?: string;
  password?: string;
  from: string;
}

/** The robots' public endpoints, allowed for robot messages whatever the HTTP allow-list says. */
const ROBOT_HOSTS = ['oapi.dingtalk.com', 'qyapi.weixin.qq.com'];

/**
 * The real outside effects: SMTP through nodemailer (the idempotency key is the Message-ID, so receivers
 * can drop a retried duplicate) and HTTP through the SSRF guard (the key goes in `Idempotency-Key`).
 */
export function createPerformers(options: { smtp?: SmtpOptions; http: HttpPolicy }): ExternalPerformers {
  const transport = options.smtp
    ? nodemailer.createTransport({
        host: options.smtp.host,
        port: options.smtp.port,
        secure: options.smtp.secure ?? false,
        ignoreTLS: !options.smtp.secure,
        ...(options.smtp.user
          ? { auth: { user: options.smtp.user, pass: options.smtp.password ?? '' } }
          : {}),
        connectionTimeout: 10_000,
        socketTimeout: 20_000,
      })
    : undefined;
  return {
    async sendEmail(mail, key) {
      if (!transport || !options.smtp) throw new Error('SMTP is not configured');
      const info = await transport.sendMail({
        from: options.smtp.from,
        to: [...mail.to],
        subject: mail.subject,
        html: mail.html,
        messageId: `<${key}@dougong.flows>`,
        headers: { 'X-Dougong-Idempotency-Key': key },
      });
      return { messageId: info.messageId, accepted: info.accepted };
    },
    async httpRequest(request, key) {
      return guardedRequest(options.http, {
        ...request,
        headers: { ...request.headers, 'Idempotency-Key': key },
      });
    },
    async robot(request, key) {
      const policy = {
        ...options.http,
        allowHosts: options.http.allowHosts.length > 0 ? [...options.http.allowHosts, ...ROBOT_HOSTS] : [],
      };
      const res = await guardedRequest(policy, {
        method: 'POST',
        url: request.url,
        headers: { 'Idempotency-Key': key },
        body: request.message,
        timeoutMs: 10_000,
      });
      const errcode = (res.body as { errcode?: number } | null)?.errcode;
      if (errcode !== undefined && errcode !== 0)
        throw new Error(`${request.channel} robot answered errcode ${errcode}`);
      return res.body;
    },
  };
}
