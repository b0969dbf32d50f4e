import { argsOf, isLogic, operatorOf } from '../core/json-value.js';
import { pointer } from '../core/rule-error.js';

/** What {@link referencedFields} finds. */
export interface FieldReferences {
  /** Field keys the rule reads (the first segment of each var path), sorted, without duplicates. */
  readonly keys: readonly string[];
  /** JSON pointers of var/old/new/changed nodes whose path is computed, so could read any field. */
  readonly computedPaths: readonly string[];
}

const SCOPED = new Set(['map', 'filter', 'all', 'some', 'none', 'reduce']);
const FIELD_OPS = new Set(['var', 'old', 'new', 'changed']);

/**
 * Lists the record fields a rule reads, for field-permission checks and unknown-key errors. Vars
 * inside `map`/`filter`/`reduce`/`all`/`some`/`none` logic read array elements, not the record, and
 * are skipped; `missing` keys are included.
 *
 * @example
 * referencedFields({ and: [{ '==': [{ var: 'region' }, 'east'] }, { changed: 'stage' }] })
 * // { keys: ['region', 'stage'], computedPaths: [] }
 */
export function referencedFields(rule: unknown): FieldReferences {
  const keys = new Set<string>();
  const computed: string[] = [];
  const addKey = (key: unknown, at: string) => {
    if (key === null || key === undefined || key === '') return;
    if (typeof key === 'object') {
      computed.push(at);
      return;
    }
    keys.add(String(key).split('.')[0]!);
  };
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) visit(item, pointer(path, i));
      return;
    }
    if (!isLogic(node)) return;
    const op = operatorOf(node);
    const opPath = pointer(path, op);
    const raw = node[op];
    const args = argsOf(node);
    const argPath = (i: number) => (Array.isArray(raw) ? pointer(opPath, i) : opPath);
    if (FIELD_OPS.has(op)) {
      addKey(args[0], argPath(0));
      if (typeof args[0] === 'object' && args[0] !== null) visit(args[0], argPath(0));
      if (op === 'var' && args[1] !== undefined) visit(args[1], argPath(1));
      return;
    }
    if (op === 'missing' || op === 'missing_some') {
      const list = op === 'missing' ? args : [args[1]];
      list.forEach((item, j) => {
        const at = argPath(op === 'missing' ? j : 1);
        if (Array.isArray(item) && item.every((k) => typeof k !== 'object' || k === null)) {
          for (const k of item) addKey(k, at);
        } else addKey(item, at);
        if (typeof item === 'object' && item !== null && !Array.isArray(item)) visit(item, at);
      });
      if (op === 'missing_some') visit(args[0], argPath(0));
      return;
    }
    if (SCOPED.has(op)) {
      visit(args[0], argPath(0));
      if (op === 'reduce' && args[2] !== undefined) visit(args[2], argPath(2));
      return;
    }
    for (const [i, arg] of args.entries()) visit(arg, argPath(i));
  };
  visit(rule, '');
  return { keys: [...keys].sort(), computedPaths: computed };
}
