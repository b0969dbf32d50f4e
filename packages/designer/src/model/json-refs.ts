import { pointer } from '@dougong/schema';

const ITERATION_OPS = new Set(['map', 'filter', 'reduce', 'all', 'some', 'none']);
const RECORD_OPS = new Set(['old', 'new', 'changed']);

/** A variable read by a rule: its path and where it sits (a JSON Pointer into the rule). */
export interface VarRead {
  readonly path: string;
  readonly at: string;
}

/**
 * Every variable path a rule reads with `var` (and the keys of `old` / `new` / `changed`), outside
 * iteration bodies (whose variables name array elements), with its JSON Pointer inside the rule.
 * @example varReads({ '==': [{ var: 'record.stage' }, 'won'] }) // [{ path: 'record.stage', at: '/==/0/var' }]
 */
export function varReads(rule: unknown, at = ''): VarRead[] {
  const out: VarRead[] = [];
  const visit = (node: unknown, path: string, depth: number) => {
    if (depth > 64) return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        visit(item, pointer(path, i), depth + 1);
      });
      return;
    }
    if (!node || typeof node !== 'object') return;
    const entries = Object.entries(node);
    if (entries.length !== 1) {
      for (const [k, v] of entries) visit(v, pointer(path, k), depth + 1);
      return;
    }
    const [op, args] = entries[0]!;
    const opPath = pointer(path, op);
    if (op === 'var' || RECORD_OPS.has(op)) {
      const name = Array.isArray(args) ? args[0] : args;
      if (typeof name === 'string') out.push({ path: name, at: opPath });
      else visit(name, Array.isArray(args) ? pointer(opPath, 0) : opPath, depth + 1);
      return;
    }
    if (ITERATION_OPS.has(op) && Array.isArray(args)) {
      visit(args[0], pointer(opPath, 0), depth + 1);
      return;
    }
    visit(args, opPath, depth + 1);
  };
  visit(rule, at, 0);
  return out;
}

const MUSTACHE = /\{\{\{?([^}]*)\}?\}\}/g;
const RUN_PATH =
  /(?:^|[\s(=~#/^])(?:this\.|@root\.)?((?:record|previous|trigger|nodes|vars|run)(?:\.[\w-]+)+)/g;

/**
 * The run-scope variable paths a handlebars template mentions (`{{record.name}}`,
 * `{{#if nodes.query1.total}}`), in order.
 */
export function templatePaths(template: string): string[] {
  const out: string[] = [];
  for (const block of template.matchAll(MUSTACHE))
    for (const match of ` ${block[1] ?? ''}`.matchAll(RUN_PATH)) out.push(match[1]!);
  return out;
}

/** Every string inside a JSON value (templates of HTTP bodies and headers), with its pointer. */
export function stringsIn(value: unknown, at = ''): Array<{ text: string; at: string }> {
  if (typeof value === 'string') return [{ text: value, at }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsIn(v, pointer(at, i)));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => stringsIn(v, pointer(at, k)));
  return [];
}
