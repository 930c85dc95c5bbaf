import { useEffect } from 'preact/hooks';
import { useI18n } from '../i18n/index.js';

/** The page's heading, also its tab's title, so every tab and history entry says which page it is. */
export const PageTitle = ({ text }: { text: string }) => {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${text} – ${t.appName}`;
  }, [text, t.appName]);
  return <h1>{text}</h1>;
};
