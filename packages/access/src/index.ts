export { type EntityAccess, entityAccess, type ScopeTerm } from './entity-access.js';
export { mayGrantRole } from './grant-check.js';
export { type Principal, SYSTEM_RIGHTS, type SystemRight } from './principal.js';
