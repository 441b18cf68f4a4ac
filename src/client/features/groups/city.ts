import { useTranslation } from 'react-i18next';
import { CITIES } from '../../lib/cities.ts';

/** A city name in the language on screen (cities are stored by their Chinese name). */
export function useTranslationCity() {
  const { i18n } = useTranslation();
  return (city: string) =>
    i18n.language === 'en' ? (CITIES.find((c) => c.id === city)?.en ?? city) : city;
}
