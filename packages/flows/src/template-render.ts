import Handlebars from 'handlebars';

// One isolated environment: no helpers beyond the built-ins, no prototype access, escaped output.
const env = Handlebars.create();
const cache = new Map<string, HandlebarsTemplateDelegate>();

/**
 * Renders a handlebars template with the run's variables. HTML-escaped by default (`{{x}}`); prototype
 * properties and methods are never reachable; compiled templates are cached.
 * @example renderTemplate('Hello {{record.name}}', { record: { name: '张伟' } }) // 'Hello 张伟'
 */
export function renderTemplate(template: string, data: unknown, options: { escape?: boolean } = {}): string {
  const key = `${options.escape === false ? 'r' : 'e'}${template}`;
  let compiled = cache.get(key);
  if (!compiled) {
    compiled = env.compile(template, {
      strict: false,
      noEscape: options.escape === false,
      knownHelpersOnly: false,
    });
    if (cache.size > 2000) cache.clear();
    cache.set(key, compiled);
  }
  return compiled(data, {
    allowProtoPropertiesByDefault: false,
    allowProtoMethodsByDefault: false,
  });
}

/** Renders every string inside a JSON value as a template (not escaped: the result is JSON, not HTML). */
export function renderJson(value: unknown, data: unknown): unknown {
  if (typeof value === 'string') return renderTemplate(value, data, { escape: false });
  if (Array.isArray(value)) return value.map((v) => renderJson(v, data));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderJson(v, data);
    return out;
  }
  return value;
}
