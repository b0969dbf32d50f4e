export { checkPasswordPolicy, hashPassword, verifyPassword } from './auth/password.js';
export type { SmtpOptions } from './flows/flow-performers.js';
export type { FlowServer, FlowServerOptions } from './flows/flow-routes.js';
export { FlowWorker } from './flows/flow-worker.js';
export { guardedRequest, type HttpPolicy, isPrivateAddress } from './flows/http-guard.js';
export { toDougongError } from './http/error-handler.js';
export { createContext, type ServerContext } from './http/request-context.js';
export { buildOpenApi } from './openapi/build-openapi.js';
export { buildServer, DOUGONG_VERSION, type ServerOptions } from './server.js';
