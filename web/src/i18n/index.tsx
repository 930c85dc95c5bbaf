import { createContext } from 'preact';
import { useContext, useEffect, useMemo, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { en } from './en.js';
import { formatDate, formatDateTime, formatMoney, formatNumber, formatTime, type Lang } from './format.js';
import { vi, type Catalogue } from './vi.js';

export type { Lang };
export const CATALOGUES: Record<Lang, Catalogue> = { vi, en };
const LANG_KEY = 'console.lang';

export interface I18n {
  lang: Lang;
  t: Catalogue;
  setLang(lang: Lang): void;
  number(value: number): string;
  money(amount: number, currency?: string): string;
  date(instant: Date | string, timeZone?: string): string;
  time(instant: Date | string, timeZone?: string): string;
  dateTime(instant: Date | string, timeZone?: string): string;
}

export const i18nFor = (lang: Lang, setLang: (lang: Lang) => void = () => undefined): I18n => ({
  lang,
  t: CATALOGUES[lang],
  setLang,
  number: (value) => formatNumber(value, lang),
  money: (amount, currency) => formatMoney(amount, currency, lang),
  date: (instant, timeZone) => formatDate(instant, timeZone, lang),
  time: (instant, timeZone) => formatTime(instant, timeZone, lang),
  dateTime: (instant, timeZone) => formatDateTime(instant, timeZone, lang),
});

const I18nContext = createContext<I18n>(i18nFor('vi'));

export const useI18n = (): I18n => useContext(I18nContext);

/** Remembered per browser, not per tab: a colleague who reads English opens every tab in English. */
const storedLang = (): Lang => (localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'vi');

export const I18nProvider = ({ children }: { children: ComponentChildren }) => {
  const [lang, setLangState] = useState<Lang>(storedLang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo(
    () =>
      i18nFor(lang, (next) => {
        localStorage.setItem(LANG_KEY, next);
        setLangState(next);
      }),
    [lang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
};
