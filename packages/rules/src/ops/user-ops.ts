import { RuleError } from '../core/rule-error.js';
import type { PlatformOpSpec } from './op-types.js';

/** The current user's id, departments and roles, from the evaluation context. */
export const USER_OPS = {
  current_user: {
    impl: (env) => {
      if (!env.ctx.user) throw new RuleError('missing_context', 'current_user needs ctx.user');
      return env.ctx.user.id;
    },
    arity: [0, 0],
    params: [],
    result: 'string',
    contextConstant: true,
  },
  current_user_departments: {
    impl: (env) => [...(env.ctx.user?.departmentIds ?? [])],
    arity: [0, 0],
    params: [],
    result: 'array',
    contextConstant: true,
  },
  current_user_roles: {
    impl: (env) => [...(env.ctx.user?.roleIds ?? [])],
    arity: [0, 0],
    params: [],
    result: 'array',
    contextConstant: true,
  },
} satisfies Record<string, PlatformOpSpec>;
