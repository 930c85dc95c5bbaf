import { useI18n } from '../i18n/index.js';
import { BackLink, PageTitle } from '../components/page-title.js';

export const NotFoundPage = () => {
  const { t } = useI18n();
  return (
    <section>
      <PageTitle text={t.common.notFound} />
      <BackLink href="/" />
    </section>
  );
};
