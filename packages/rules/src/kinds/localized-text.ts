/** A user-facing string in both shipped languages. */
export interface LocalizedText {
  readonly 'zh-CN': string;
  readonly en: string;
}

/** The supported UI languages. */
export type Locale = keyof LocalizedText;
