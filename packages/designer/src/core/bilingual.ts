import type { Label } from '@dougong/schema';

/** A designer message in both UI languages. */
export interface Bilingual {
  readonly 'zh-CN': string;
  readonly en: string;
}

/** Builds a {@link Bilingual} text: `bi('实体', 'Entity')`. */
export const bi = (zh: string, en: string): Bilingual => ({ 'zh-CN': zh, en });

/**
 * Drops empty and blank-only translations from a label, so an analyst clearing the English text leaves
 * the Chinese one alone. May return `{}`, which the document check reports.
 */
export function cleanLabel<T extends Label>(label: T): T {
  const out: Record<string, string> = {};
  for (const [locale, text] of Object.entries(label))
    if (typeof text === 'string' && text !== '') out[locale] = text;
  return out as T;
}
