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
  // Paths are built only for the value at fault: each entry knows its parent and its own segment.
  const stack: SafetyEntry[] = [{ value, parent: null, segment: '', depth: 0 }];
  let nodes = 0;
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const { value: current, depth } = entry;
    nodes += 1;
    if (nodes > limits.maxNodes)
      return [{ path: entryPath(entry), message: `has more than ${limits.maxNodes} values` }];
    if (depth > limits.maxDepth)
      return [{ path: entryPath(entry), message: `is nested deeper than ${limits.maxDepth} levels` }];
    if (typeof current === 'string') {
      const issue = stringIssue(current);
      if (issue) return [{ path: entryPath(entry), message: issue }];
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i -= 1)
        stack.push({ value: current[i], parent: entry, segment: String(i), depth: depth + 1 });
    } else if (current !== null && typeof current === 'object') {
      for (const key in current) {
        if (!Object.hasOwn(current, key)) continue;
        const child = (current as Record<string, unknown>)[key];
        const at: SafetyEntry = { value: child, parent: entry, segment: key, depth: depth + 1 };
        const keyIssue = stringIssue(key);
        if (keyIssue) return [{ path: entryPath(at), message: `key ${keyIssue}` }];
        stack.push(at);
      }
    }
  }
  return [];
}

interface SafetyEntry {
  value: unknown;
  parent: SafetyEntry | null;
  /** The key or index under the parent, unescaped. */
  segment: string;
  depth: number;
}

/** The JSON pointer of an entry (`''` for the root). */
function entryPath(entry: SafetyEntry): string {
  const segments: string[] = [];
  for (let e: SafetyEntry | null = entry; e?.parent; e = e.parent)
    segments.push(e.segment.replace(/~/g, '~0').replace(/\//g, '~1'));
  return segments
    .reverse()
    .map((s) => `/${s}`)
    .join('');
}

function stringIssue(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(text)) return 'contains invalid Unicode (a lone surrogate)';
  return undefined;
}
