import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/http.ts';

/** An error in the person's language, from its code (the server's message as the fallback). */
export function useErrorMessage() {
  const { t, i18n } = useTranslation();
  return (err: unknown): string => {
    if (err instanceof ApiError) {
      const key = `errors.${err.code}`;
      return i18n.exists(key) ? t(key) : t('errors.other', { message: err.message });
    }
    return t('errors.internal_error');
  };
}

export function ErrorText({ error }: { error: unknown }) {
  const message = useErrorMessage();
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {message(error)}
    </p>
  );
}
