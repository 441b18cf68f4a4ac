import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { zhCN } from './zh-CN.ts';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'quanzi.lang';

/** zh-CN unless the person chose English (stored) or the browser asks for it first. */
function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'zh-CN') return stored;
  return navigator.languages
    .find((l) => /^(zh|en)\b/i.test(l))
    ?.toLowerCase()
    .startsWith('en')
    ? 'en'
    : 'zh-CN';
}

/**
 * Chinese is in the first bundle; English is its own chunk, fetched only by someone who reads
 * English (it would otherwise cost every first visit its bytes: docs/benchmarks.md).
 */
async function load(lang: Language): Promise<void> {
  if (lang === 'en' && !i18n.hasResourceBundle('en', 'translation')) {
    const { en } = await import('./en.ts');
    i18n.addResourceBundle('en', 'translation', en);
  }
  await i18n.changeLanguage(lang);
  document.documentElement.lang = lang;
}

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN } },
  lng: 'zh-CN',
  fallbackLng: 'zh-CN',
  // React escapes what it renders; i18next must not escape a second time.
  interpolation: { escapeValue: false },
});

/** Resolves once the person's language is ready; main.tsx renders after it. */
export const languageReady: Promise<void> = load(initialLanguage()).catch(() => {
  // English could not be fetched (offline start): show Chinese rather than nothing.
  document.documentElement.lang = 'zh-CN';
});

let features: Promise<void> | undefined;
/**
 * The Chinese strings of every screen beyond the messaging centre (zh-CN.features.ts), one chunk
 * fetched with the first such screen: App.tsx's lazy pages wait for it before they render. (The
 * English bundle is whole: it is fetched only by English readers anyway.)
 */
export function featureStrings(): Promise<void> {
  features ??= import('./zh-CN.features.ts').then(({ zhCNFeatures }) => {
    i18n.addResourceBundle('zh-CN', 'translation', zhCNFeatures, true, false);
  });
  // A failed fetch (offline) may be tried again by the next screen.
  features.catch(() => (features = undefined));
  return features;
}

export async function setLanguage(lang: Language): Promise<void> {
  localStorage.setItem(STORAGE_KEY, lang);
  await load(lang);
}

export { i18n };
