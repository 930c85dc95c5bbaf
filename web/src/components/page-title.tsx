import { useEffect } from 'preact/hooks';
import { useI18n } from '../i18n/index.js';
import { Link } from '../router.js';

/** The page's heading, also its tab's title, so every tab and history entry says which page it is. */
export const PageTitle = ({ text }: { text: string }) => {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${text} – ${t.appName}`;
  }, [text, t.appName]);
  return <h1>{text}</h1>;
};

/** The link back to the page this one was opened from (a list, or the start page). */
export const BackLink = ({ href }: { href: string }) => {
  const { t } = useI18n();
  return (
    <p>
      <Link href={href}>{t.common.back}</Link>
    </p>
  );
};

/** A list page's heading, with its link to a new item where the user may create one. */
export const ListHead = ({
  title,
  create,
}: {
  title: string;
  create?: { href: string; label: string } | undefined;
}) => (
  <div class="page-head">
    <PageTitle text={title} />
    {create ? (
      <Link class="button button--primary" href={create.href}>
        {create.label}
      </Link>
    ) : null}
  </div>
);
