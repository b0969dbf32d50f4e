/** The segments of a JSON Pointer (RFC 6901): `/a/b~1c` → `['a', 'b/c']`. */
export function segments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value a pointer names inside `root`, or undefined. */
export function getAt(root: unknown, path: readonly string[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** `root` with the value at `path` replaced by `edit`'s result, rebuilt immutably (same root when unchanged). */
export function updateAt(root: unknown, path: readonly string[], edit: (value: unknown) => unknown): unknown {
  if (path.length === 0) return edit(root);
  if (root === null || typeof root !== 'object') return root;
  const [head, ...rest] = path as [string, ...string[]];
  if (!Object.hasOwn(root, head)) return root;
  const child = (root as Record<string, unknown>)[head];
  const next = updateAt(child, rest, edit);
  if (next === child) return root;
  if (Array.isArray(root)) {
    const out = root.slice();
    out[Number(head)] = next;
    return out;
  }
  return { ...(root as Record<string, unknown>), [head]: next };
}
