import type { ValidationIssue } from '../document/validation-error.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Limits applied to every JSON payload before it is looked at in detail. */
export interface PayloadLimits {
  maxDepth: number;
  maxNodes: number;
}

/** Default bounds: deep enough for any metadata document, far below what would exhaust a stack. */
export const DEFAULT_PAYLOAD_LIMITS: PayloadLimits = { maxDepth: 64, maxNodes: 200_000 };

/**
 * Walks a parsed JSON value iteratively (no recursion, so hostile nesting cannot overflow the stack) and
 * reports strings PostgreSQL cannot store (NUL) or that are not valid Unicode (lone surrogates), and
 * nesting or size past the limits. Stops at the first problem of each kind.
 */
export function checkPayloadSafety(
  value: unknown,
  limits: PayloadLimits = DEFAULT_PAYLOAD_LIMITS,
): ValidationIssue[] {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    nodes += 1;
    if (nodes > limits.maxNodes) return [{ path, message: `has more than ${limits.maxNodes} values` }];
    if (depth > limits.maxDepth)
      return [{ path, message: `is nested deeper than ${limits.maxDepth} levels` }];
    if (typeof current === 'string') {
      const issue = stringIssue(current);
      if (issue) return [{ path, message: issue }];
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i -= 1)
        stack.push({ value: current[i], path: `${path}/${i}`, depth: depth + 1 });
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        const keyIssue = stringIssue(key);
        const segment = key.replace(/~/g, '~0').replace(/\//g, '~1');
        if (keyIssue) return [{ path: `${path}/${segment}`, message: `key ${keyIssue}` }];
        stack.push({ value: child, path: `${path}/${segment}`, depth: depth + 1 });
      }
    }
  }
  return [];
}

function stringIssue(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(text)) return 'contains invalid Unicode (a lone surrogate)';
  return undefined;
}
