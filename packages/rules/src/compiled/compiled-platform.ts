import { canonicalDateKey } from '../core/calendar.js';
import { isLogic } from '../core/json-value.js';
import { epochDayOrNaN } from '../ops/date-ops.js';
import { plainDecimalNumber } from '../ops/decimal-ops.js';
import type { OpImpl } from '../ops/op-types.js';
import { PLATFORM_OPS, type PlatformOpName } from '../ops/platform-ops.js';
import { isEmptyValue } from '../ops/predicate-ops.js';
import { asciiLower, asText } from '../ops/text-ops.js';
import {
  type CompileFn,
  isPrimitiveList,
  type Node,
  nodeOf,
  type Operand,
  operandOf,
  perContext,
  readKey,
} from './compiled-operand.js';

/**
 * Specialised closures for the platform operations that dominate real rule sets. Each one takes the
 * fast path only when it can decide exactly as the operation's own implementation would, and otherwise
 * calls that implementation, so semantics (errors included) stay in one place.
 */
type Specialiser = (args: readonly unknown[], compile: CompileFn) => Node | undefined;

/** Which orderings make a comparison true: [less, equal, greater]. */
type Outcomes = readonly [boolean, boolean, boolean];
const OUTCOMES = {
  eq: [false, true, false],
  ne: [true, false, true],
  lt: [true, false, false],
  lte: [true, true, false],
  gt: [false, false, true],
  gte: [false, true, true],
} as const satisfies Record<string, Outcomes>;

/**
 * A value that is the same for every record of an evaluation context: a literal, or a logic subtree
 * that reads no data (e.g. `date_add(today, -14, day)`), mapped once per context.
 */
function contextConstant<T>(
  arg: unknown,
  compile: CompileFn,
  readsNoData: (logic: unknown) => boolean,
  map: (value: unknown, timeZone: string) => T,
): ((e: Parameters<Node>[1]) => T) | undefined {
  if (Array.isArray(arg)) return undefined;
  if (!isLogic(arg)) {
    const fixed = new Map<string, T>();
    return (e) => {
      let value = fixed.get(e.timeZone);
      if (value === undefined) {
        value = map(arg, e.timeZone);
        fixed.set(e.timeZone, value);
      }
      return value;
    };
  }
  if (!readsNoData(arg)) return undefined;
  const node = compile(arg);
  return perContext((e) => map(node(undefined, e), e.timeZone));
}

function decCompare(name: PlatformOpName, o: Outcomes): Specialiser {
  const impl = PLATFORM_OPS[name].impl;
  return (args, compile) => {
    if (args.length !== 2) return undefined;
    const [a, b] = args.map((arg) => operandOf(arg, compile)) as [Operand, Operand];
    if (b.kind !== 'lit' || a.kind === 'lit') return undefined;
    const literal = b.value;
    const y = plainDecimalNumber(literal);
    if (Number.isNaN(y)) return undefined;
    const [less, equal, greater] = o;
    if (a.kind === 'key') {
      const key = a.key;
      return (d, e) => {
        const value = readKey(d, key);
        const x = plainDecimalNumber(value);
        if (Number.isNaN(x)) return impl(e, d, [value, literal]);
        return x < y ? less : x > y ? greater : equal;
      };
    }
    const read = nodeOf(a);
    return (d, e) => {
      const value = read(d, e);
      const x = plainDecimalNumber(value);
      if (Number.isNaN(x)) return impl(e, d, [value, literal]);
      return x < y ? less : x > y ? greater : equal;
    };
  };
}

/** A date operand fixed for the context: its canonical key when it has one, and its epoch day. */
interface FixedDate {
  readonly key: number;
  readonly day: number;
}

const fixedDate = (value: unknown, timeZone: string): FixedDate => ({
  key: canonicalDateKey(value),
  day: epochDayOrNaN(value, timeZone),
});

function dateCompare(o: Outcomes, readsNoData: (logic: unknown) => boolean): Specialiser {
  return (args, compile) => {
    if (args.length !== 2) return undefined;
    const right = contextConstant(args[1], compile, readsNoData, fixedDate);
    if (!right) return undefined;
    const [less, equal, greater] = o;
    const decide = (value: unknown, y: FixedDate, timeZone: string): boolean => {
      // Two canonical dates compare by key; anything else (a date-time, say) by its local epoch day.
      const xKey = canonicalDateKey(value);
      if (!Number.isNaN(xKey) && !Number.isNaN(y.key))
        return xKey < y.key ? less : xKey > y.key ? greater : equal;
      const x = epochDayOrNaN(value, timeZone);
      return !Number.isNaN(x) && !Number.isNaN(y.day) && (x < y.day ? less : x > y.day ? greater : equal);
    };
    const a = operandOf(args[0], compile);
    if (a.kind === 'key') {
      const key = a.key;
      return (d, e) => decide(readKey(d, key), right(e), e.timeZone);
    }
    const read = nodeOf(a);
    return (d, e) => {
      const value = read(d, e);
      return decide(value, right(e), e.timeZone);
    };
  };
}

function foldedAt(hay: string, lowerNeedle: string, offset: number): boolean {
  for (let i = 0; i < lowerNeedle.length; i++) {
    let c = hay.charCodeAt(offset + i);
    if (c >= 65 && c <= 90) c += 32; // ASCII A–Z only, as asciiLower folds
    if (c !== lowerNeedle.charCodeAt(i)) return false;
  }
  return true;
}

type TextKind = 'contains' | 'starts' | 'ends';

function textTest(kind: TextKind, fold: boolean): Specialiser {
  return (args, compile) => {
    if (args.length !== 2) return undefined;
    const needleArg = args[1];
    if (Array.isArray(needleArg) || isLogic(needleArg)) return undefined;
    const raw = asText(needleArg);
    if (raw === null) return undefined;
    const needle = fold ? asciiLower(raw) : raw;
    const decide = (value: unknown): boolean => {
      const hay = asText(value);
      if (hay === null) return false;
      // The needle is folded already, so an unfolded match is a folded one (the usual, lowercase case).
      if (kind === 'contains') return hay.includes(needle) || (fold && asciiLower(hay).includes(needle));
      if (kind === 'starts' ? hay.startsWith(needle) : hay.endsWith(needle)) return true;
      if (!fold || hay.length < needle.length) return false;
      return foldedAt(hay, needle, kind === 'starts' ? 0 : hay.length - needle.length);
    };
    const a = operandOf(args[0], compile);
    if (a.kind === 'key') {
      const key = a.key;
      return (d) => decide(readKey(d, key));
    }
    const read = nodeOf(a);
    return (d, e) => decide(read(d, e));
  };
}

function emptiness(negate: boolean): Specialiser {
  return (args, compile) => {
    if (args.length !== 1) return undefined;
    const a = operandOf(args[0], compile);
    if (a.kind === 'key') {
      const key = a.key;
      return negate ? (d) => !isEmptyValue(readKey(d, key)) : (d) => isEmptyValue(readKey(d, key));
    }
    const read = nodeOf(a);
    return negate ? (d, e) => !isEmptyValue(read(d, e)) : (d, e) => isEmptyValue(read(d, e));
  };
}

const inList: Specialiser = (args, compile) => {
  if (args.length !== 2 || !isPrimitiveList(args[1])) return undefined;
  const list = args[1];
  const read = nodeOf(operandOf(args[0], compile));
  const impl: OpImpl = PLATFORM_OPS.in_list.impl;
  return (d, e) => {
    const value = read(d, e);
    if (value === null || value === undefined) return false;
    if (Array.isArray(value)) return impl(e, d, [value, list]);
    return list.indexOf(value) !== -1;
  };
};

/** The specialised platform operations; the rest go through their implementation generically. */
export function platformSpecialisers(
  readsNoData: (logic: unknown) => boolean,
): Partial<Record<PlatformOpName, Specialiser>> {
  return {
    dec_eq: decCompare('dec_eq', OUTCOMES.eq),
    dec_ne: decCompare('dec_ne', OUTCOMES.ne),
    dec_lt: decCompare('dec_lt', OUTCOMES.lt),
    dec_lte: decCompare('dec_lte', OUTCOMES.lte),
    dec_gt: decCompare('dec_gt', OUTCOMES.gt),
    dec_gte: decCompare('dec_gte', OUTCOMES.gte),
    date_eq: dateCompare(OUTCOMES.eq, readsNoData),
    date_ne: dateCompare(OUTCOMES.ne, readsNoData),
    date_lt: dateCompare(OUTCOMES.lt, readsNoData),
    date_lte: dateCompare(OUTCOMES.lte, readsNoData),
    date_gt: dateCompare(OUTCOMES.gt, readsNoData),
    date_gte: dateCompare(OUTCOMES.gte, readsNoData),
    contains: textTest('contains', false),
    contains_ci: textTest('contains', true),
    starts_with: textTest('starts', false),
    starts_with_ci: textTest('starts', true),
    ends_with: textTest('ends', false),
    ends_with_ci: textTest('ends', true),
    is_empty: emptiness(false),
    is_not_empty: emptiness(true),
    in_list: inList,
  };
}
