import { useI18n } from '../i18n/index.js';
import { Link } from '../router.js';
import { PageTitle } from '../components/page-title.js';

export const NotFoundPage = () => {
  const { t } = useI18n();
  return (
    <section>
      <PageTitle text={t.common.notFound} />
      <p>
        <Link href="/">{t.common.back}</Link>
      </p>
    </section>
  );
};
