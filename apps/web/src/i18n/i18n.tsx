import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { MESSAGES, type MessageKey } from './messages';

/** A UI locale. */
export type UiLocale = 'zh-CN' | 'en';

interface I18n {
  locale: UiLocale;
  setLocale(locale: UiLocale): void;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  /** Picks a translated metadata label: `{ 'zh-CN', en }` → string in the current locale. */
  label(text: { 'zh-CN'?: string; en?: string } | undefined): string;
}

const Context = createContext<I18n | null>(null);
const STORAGE_KEY = 'dougong.locale';

/** The locale saved by the user, else the browser's (zh → zh-CN, everything else → en). */
export function initialLocale(): UiLocale {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  if (saved === 'zh-CN' || saved === 'en') return saved;
  const browser = typeof navigator === 'undefined' ? 'zh-CN' : navigator.language;
  return browser.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** Provides the locale and translation functions to the tree. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<UiLocale>(initialLocale);
  const setLocale = useCallback((next: UiLocale) => {
    localStorage.setItem(STORAGE_KEY, next);
    document.documentElement.lang = next;
    setLocaleState(next);
  }, []);
  const value = useMemo<I18n>(
    () => ({
      locale,
      setLocale,
      t: (key, params) => {
        const template: string = MESSAGES[locale][key] ?? key;
        return params
          ? template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''))
          : template;
      },
      label: (text) => (text ? (text[locale] ?? text['zh-CN'] ?? text.en ?? '') : ''),
    }),
    [locale, setLocale],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

/** The current locale and translation helpers. */
export function useI18n(): I18n {
  const value = useContext(Context);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
