import { pointer } from './validation-error.js';

/** A field key read by a rule or template, and the JSON Pointer of the value naming it. */
export interface KeyReference {
  /** The field key (first segment of the var path once any scope prefix is removed). */
  key: string;
  path: string;
  /** Set when the key belongs to the rows of a sub-table: the sub-table field key it iterates. */
  subTable?: string;
  /** Read through `{"run": …}` inside a query filter: a key of the run's record, not the queried one. */
  viaRun?: true;
}

/**
 * Where a rule's vars point. `prefixes` empty: vars name record keys directly (`{"var": "stage"}`);
 * `['record', 'previous']`: vars go through a run scope (`{"var": "record.stage"}`), other roots
 * (`trigger`, `nodes`, `vars`) are not record fields. `run`: inside `{"run": …}` (a query filter's
 * bound run value), vars use this scope instead.
 */
export interface RuleScope {
  prefixes: readonly string[];
  run?: RuleScope;
}

/** Vars of a record (form rules, formulas, trigger conditions, grant conditions). */
export const RECORD_SCOPE: RuleScope = { prefixes: [] };
/** Vars of a flow run (`record.x`, `previous.x`). */
export const RUN_SCOPE: RuleScope = { prefixes: ['record', 'previous'] };
/** A query filter over another entity that can read the run through `{"run": …}`. */
export const QUERY_SCOPE: RuleScope = { prefixes: [], run: RUN_SCOPE };

const FIELD_OPS = new Set(['var', 'old', 'new', 'changed']);
const ITERATION_OPS = new Set(['map', 'filter', 'all', 'some', 'none', 'reduce']);
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 64;

function isLogic(node: unknown): node is Record<string, unknown> {
  return node !== null && typeof node === 'object' && !Array.isArray(node) && Object.keys(node).length === 1;
}

// The record key a var path names in a scope, or undefined when it names something else.
function keyOf(name: unknown, scope: RuleScope): string | undefined {
  if (typeof name !== 'string' && typeof name !== 'number') return undefined;
  const segments = String(name).split('.');
  if (scope.prefixes.length > 0) {
    if (!scope.prefixes.includes(segments[0]!)) return undefined;
    segments.shift();
  }
  const key = segments[0];
  return key && !FORBIDDEN.has(key) ? key : undefined;
}

/**
 * Lists the record keys a JsonLogic rule reads (`var`, `old`, `new`, `changed`, `missing`,
 * `missing_some`), each with the JSON Pointer of its operator (`…/when/==/0/var`). Iteration bodies
 * (`map`, `filter`, `reduce`, `all`, `some`, `none`) read the elements of the iterated list: when that
 * list is a sub-table (`{"var": "lines"}`), their keys are reported with `subTable: "lines"` (`reduce`
 * reads them as `current.x`); other bodies are skipped.
 * @example
 * ruleKeys({ '==': [{ var: 'stage' }, 'won'] }, '/when', RECORD_SCOPE)
 * // [{ key: 'stage', path: '/when/==/0/var' }]
 */
export function ruleKeys(rule: unknown, path: string, scope: RuleScope): KeyReference[] {
  const out: KeyReference[] = [];
  let viaRun = false;
  const visit = (node: unknown, at: string, sc: RuleScope, sub: string | undefined, depth: number) => {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        visit(item, pointer(at, i), sc, sub, depth + 1);
      });
      return;
    }
    if (!isLogic(node)) return;
    const op = Object.keys(node)[0]!;
    const raw = node[op];
    const args = Array.isArray(raw) ? raw : [raw];
    const opAt = pointer(at, op);
    const argAt = (i: number) => (Array.isArray(raw) ? pointer(opAt, i) : opAt);
    const add = (name: unknown, where: string, s: RuleScope) => {
      const key = keyOf(name, s);
      if (key === undefined) return;
      out.push({
        key,
        path: where,
        ...(sub !== undefined ? { subTable: sub } : {}),
        ...(viaRun ? { viaRun: true as const } : {}),
      });
    };
    if (op === 'run' && sc.run && !viaRun) {
      viaRun = true;
      visit(raw, opAt, sc.run, undefined, depth + 1);
      viaRun = false;
      return;
    }
    if (FIELD_OPS.has(op)) {
      // old/new/changed always name keys of the record itself.
      add(args[0], opAt, op === 'var' ? sc : RECORD_SCOPE);
      if (typeof args[0] === 'object' && args[0] !== null) visit(args[0], argAt(0), sc, sub, depth + 1);
      if (op === 'var' && args[1] !== undefined) visit(args[1], argAt(1), sc, sub, depth + 1);
      return;
    }
    if (op === 'missing' || op === 'missing_some') {
      const list = op === 'missing' ? args : [args[1]];
      list.forEach((item, j) => {
        const where = argAt(op === 'missing' ? j : 1);
        if (Array.isArray(item)) for (const k of item) add(k, where, sc);
        else if (typeof item === 'object' && item !== null) visit(item, where, sc, sub, depth + 1);
        else add(item, where, sc);
      });
      if (op === 'missing_some') visit(args[0], argAt(0), sc, sub, depth + 1);
      return;
    }
    if (ITERATION_OPS.has(op)) {
      visit(args[0], argAt(0), sc, sub, depth + 1);
      if (op === 'reduce' && args[2] !== undefined) visit(args[2], argAt(2), sc, sub, depth + 1);
      const list = isLogic(args[0]) && 'var' in args[0] ? keyOf(args[0].var, sc) : undefined;
      // Only a top-level sub-table's rows are records of a known entity.
      if (list !== undefined && sub === undefined && args[1] !== undefined) {
        const body: RuleScope = op === 'reduce' ? { prefixes: ['current'] } : RECORD_SCOPE;
        visit(args[1], argAt(1), body, list, depth + 1);
      }
      return;
    }
    args.forEach((arg, i) => {
      visit(arg, argAt(i), sc, sub, depth + 1);
    });
  };
  visit(rule, path, scope, undefined, 0);
  return out;
}

// `{{record.x}}`, `{{#if previous.x}}`, `{{{record.x}}}`, `{{helper record.x}}`, `{{this.record.x}}`.
const MUSTACHE = /\{\{\{?([^}]*)\}?\}\}/g;
const SCOPED_PATH = /(?:^|[\s(=~#/^])(?:this\.|@root\.)?(record|previous)\.([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * Lists the record keys a handlebars template reads through `record.x` or `previous.x`; every
 * reference points at the template string itself.
 * @example templateKeys('Hi {{record.name}}', '/flows/0/nodes/1/subject')
 * // [{ key: 'name', path: '/flows/0/nodes/1/subject' }]
 */
export function templateKeys(template: unknown, path: string): KeyReference[] {
  const out: KeyReference[] = [];
  const visit = (value: unknown, at: string, depth: number) => {
    if (depth > MAX_DEPTH) return;
    if (typeof value === 'string') {
      const seen = new Set<string>();
      for (const block of value.matchAll(MUSTACHE)) {
        for (const match of ` ${block[1]}`.matchAll(SCOPED_PATH)) {
          const key = match[2]!;
          if (!seen.has(key)) out.push({ key, path: at });
          seen.add(key);
        }
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => {
        visit(item, pointer(at, i), depth + 1);
      });
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, pointer(at, k), depth + 1);
    }
  };
  visit(template, path, 0);
  return out;
}
