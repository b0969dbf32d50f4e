export { checkPasswordPolicy, hashPassword, verifyPassword } from './auth/password.js';
export { toDougongError } from './http/error-handler.js';
export { createContext, type ServerContext } from './http/request-context.js';
export { buildOpenApi } from './openapi/build-openapi.js';
export { buildServer, DOUGONG_VERSION, type ServerOptions } from './server.js';
