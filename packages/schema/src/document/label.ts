import { type Static, Type } from '@sinclair/typebox';

/** Locales every user-facing string is offered in. */
export const LOCALES = ['zh-CN', 'en'] as const;
/** A supported UI locale. */
export type Locale = (typeof LOCALES)[number];

/**
 * A translated label: at least one of zh-CN and en.
 * @example { "zh-CN": "客户", "en": "Account" }
 */
export const LabelSchema = Type.Object(
  {
    'zh-CN': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    en: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
/** See {@link LabelSchema}. */
export type Label = Static<typeof LabelSchema>;

/** Longer translated text (descriptions, help). */
export const TextSchema = Type.Object(
  {
    'zh-CN': Type.Optional(Type.String({ maxLength: 2000 })),
    en: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
/** See {@link TextSchema}. */
export type Text = Static<typeof TextSchema>;

/** Picks the label for a locale, falling back to the other locale. */
export function labelFor(label: Label | Text | undefined, locale: Locale): string {
  if (!label) return '';
  return label[locale] ?? label['zh-CN'] ?? label.en ?? '';
}
