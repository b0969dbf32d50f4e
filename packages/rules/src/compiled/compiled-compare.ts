import { type Node, nodeOf, type Operand, readKey } from './compiled-operand.js';

/* JsonLogic's comparisons are JavaScript's own operators, so each closure below applies the operator
 * itself; specialising only removes closure calls (a `var` side is read inline, a literal side is
 * captured) and, for loose equality against a string or number literal, lets an operand of the same
 * type take `===` without the loose-equality ladder. The casts only silence the type checker. */

type Loose = number;

/** The binary comparisons the compiler specialises. */
export type CompareOp = '==' | '!=' | '===' | '!==' | '<' | '<=' | '>' | '>=';

/** `L op x` is `x flip(op) L` (for `<`, `>` and friends this is how the specification defines them). */
const FLIP: Record<CompareOp, CompareOp> = {
  '==': '==',
  '!=': '!=',
  '===': '===',
  '!==': '!==',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

/** `x op L` for a literal L, given how to read x. */
function againstLiteral(op: CompareOp, read: Node, lit: unknown): Node {
  const L = lit as Loose;
  const typed = typeof lit === 'string' || typeof lit === 'number' ? typeof lit : undefined;
  switch (op) {
    case '==':
      // biome-ignore lint/suspicious/noDoubleEquals: JsonLogic's == is JavaScript's loose equality
      if (typed === undefined) return (d, e) => read(d, e) == L;
      return (d, e) => {
        const x = read(d, e);
        // biome-ignore lint/suspicious/noDoubleEquals: the loose ladder only for a differently typed x
        return typeof x === typed ? x === L : x == L;
      };
    case '!=':
      // biome-ignore lint/suspicious/noDoubleEquals: JsonLogic's != is JavaScript's loose inequality
      if (typed === undefined) return (d, e) => read(d, e) != L;
      return (d, e) => {
        const x = read(d, e);
        // biome-ignore lint/suspicious/noDoubleEquals: the loose ladder only for a differently typed x
        return typeof x === typed ? x !== L : x != L;
      };
    case '===':
      return (d, e) => read(d, e) === L;
    case '!==':
      return (d, e) => read(d, e) !== L;
    case '<':
      return (d, e) => (read(d, e) as Loose) < L;
    case '<=':
      return (d, e) => (read(d, e) as Loose) <= L;
    case '>':
      return (d, e) => (read(d, e) as Loose) > L;
    case '>=':
      return (d, e) => (read(d, e) as Loose) >= L;
  }
}

/** `data[key] op L`, the commonest condition, as one closure. */
function keyAgainstLiteral(op: CompareOp, key: string, lit: unknown): Node {
  const L = lit as Loose;
  switch (op) {
    case '==':
      if (typeof lit === 'string' || typeof lit === 'number') {
        const type = typeof lit;
        return (d) => {
          const x = readKey(d, key);
          // biome-ignore lint/suspicious/noDoubleEquals: the loose ladder only for a differently typed x
          return typeof x === type ? x === L : x == L;
        };
      }
      return againstLiteral(op, (d) => readKey(d, key), lit);
    case '===':
      return (d) => readKey(d, key) === L;
    case '<':
      return (d) => (readKey(d, key) as Loose) < L;
    case '<=':
      return (d) => (readKey(d, key) as Loose) <= L;
    case '>':
      return (d) => (readKey(d, key) as Loose) > L;
    case '>=':
      return (d) => (readKey(d, key) as Loose) >= L;
    default:
      return againstLiteral(op, (d) => readKey(d, key), lit);
  }
}

/** Two evaluated operands. */
function general(op: CompareOp, a: Node, b: Node): Node {
  switch (op) {
    case '==':
      // biome-ignore lint/suspicious/noDoubleEquals: JsonLogic's == is JavaScript's loose equality
      return (d, e) => a(d, e) == b(d, e);
    case '!=':
      // biome-ignore lint/suspicious/noDoubleEquals: JsonLogic's != is JavaScript's loose inequality
      return (d, e) => a(d, e) != b(d, e);
    case '===':
      return (d, e) => a(d, e) === b(d, e);
    case '!==':
      return (d, e) => a(d, e) !== b(d, e);
    case '<':
      return (d, e) => (a(d, e) as Loose) < (b(d, e) as Loose);
    case '<=':
      return (d, e) => (a(d, e) as Loose) <= (b(d, e) as Loose);
    case '>':
      return (d, e) => (a(d, e) as Loose) > (b(d, e) as Loose);
    case '>=':
      return (d, e) => (a(d, e) as Loose) >= (b(d, e) as Loose);
  }
}

/**
 * A two-operand comparison, specialised on what is known at compile time. Both operands are still
 * evaluated left to right whenever either could throw or has an effect (only literals and constant-key
 * reads, which can do neither, are reordered).
 */
export function compileCompare(op: CompareOp, a: Operand, b: Operand): Node {
  if (b.kind === 'lit' && a.kind === 'key') return keyAgainstLiteral(op, a.key, b.value);
  if (a.kind === 'lit' && b.kind === 'key') return keyAgainstLiteral(FLIP[op], b.key, a.value);
  if (b.kind === 'lit' && a.kind !== 'lit') return againstLiteral(op, nodeOf(a), b.value);
  if (a.kind === 'lit' && b.kind !== 'lit') return againstLiteral(FLIP[op], nodeOf(b), a.value);
  return general(op, nodeOf(a), nodeOf(b));
}
