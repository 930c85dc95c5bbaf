import { useI18n } from '../i18n/index.js';
import { Link } from '../router.js';

export const NotFoundPage = () => {
  const { t } = useI18n();
  return (
    <section>
      <h1>{t.common.notFound}</h1>
      <p>
        <Link href="/">{t.common.back}</Link>
      </p>
    </section>
  );
};
