/**
 * The JSON Pointer of the first `var` in a rule that names one of `hidden` (by its first path segment),
 * e.g. `/and/1/==/0/var`; undefined when the rule names none. Iterative, so hostile nesting is safe.
 */
export function hiddenVarPath(rule: unknown, hidden: ReadonlySet<string>): string | undefined {
  if (hidden.size === 0) return undefined;
  const stack: Array<{ node: unknown; path: string }> = [{ node: rule, path: '' }];
  let visited = 0;
  while (stack.length > 0 && visited < 100_000) {
    visited += 1;
    const { node, path } = stack.pop()!;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i -= 1) stack.push({ node: node[i], path: `${path}/${i}` });
    } else if (node !== null && typeof node === 'object') {
      for (const [op, args] of Object.entries(node)) {
        const segment = op.replace(/~/g, '~0').replace(/\//g, '~1');
        if (op === 'var') {
          const name = Array.isArray(args) ? args[0] : args;
          if (typeof name === 'string' && hidden.has(name.split('.')[0] ?? '')) return `${path}/var`;
          if (Array.isArray(args)) {
            for (let i = 1; i < args.length; i += 1) stack.push({ node: args[i], path: `${path}/var/${i}` });
          }
        } else stack.push({ node: args, path: `${path}/${segment}` });
      }
    }
  }
  return undefined;
}
