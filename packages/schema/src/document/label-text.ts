// Kept apart from the label schemas: browser code that only picks a label must not load the schema library.

/** Locales every user-facing string is offered in. */
export const LOCALES = ['zh-CN', 'en'] as const;
/** A supported UI locale. */
export type Locale = (typeof LOCALES)[number];

/** Picks the label for a locale, falling back to the other locale. */
export function labelFor(
  label: { readonly 'zh-CN'?: string; readonly en?: string } | undefined,
  locale: Locale,
): string {
  if (!label) return '';
  return label[locale] ?? label['zh-CN'] ?? label.en ?? '';
}
