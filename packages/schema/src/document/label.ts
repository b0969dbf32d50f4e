import { type Static, Type } from '@sinclair/typebox';

export { LOCALES, type Locale } from './label-text.js';

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

export { labelFor } from './label-text.js';
