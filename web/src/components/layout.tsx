import type { ComponentChildren } from 'preact';
import { useApp } from '../app-context.js';
import { useI18n, type Lang } from '../i18n/index.js';
import { navFor } from '../nav.js';
import { Link, navigate, useLocation } from '../router.js';

const LanguageSwitch = () => {
  const { t, lang, setLang } = useI18n();
  return (
    <div class="language">
      <label for="language">{t.language.label}</label>
      <select id="language" value={lang} onChange={(e) => setLang(e.currentTarget.value as Lang)}>
        <option value="vi">{t.language.vi}</option>
        <option value="en">{t.language.en}</option>
      </select>
    </div>
  );
};

/** Header, navigation by role, and the page's main landmark. */
export const Layout = ({ children }: { children: ComponentChildren }) => {
  const { t } = useI18n();
  const { session, signOut } = useApp();
  const { path } = useLocation();
  const items = session ? navFor(session.role) : [];
  return (
    <>
      <a class="skip-link" href="#main">
        {t.nav.skipToContent}
      </a>
      <header class="header">
        <div class="header__top">
          <Link class="brand" href="/">
            {t.appName}
          </Link>
          <LanguageSwitch />
        </div>
        {session ? (
          <div class="header__bar">
            <nav aria-label={t.nav.label}>
              <ul class="nav">
                {items.map((item) => {
                  const current =
                    path === item.href ||
                    (item.href !== '/campaigns' && path.startsWith(`${item.href}/`)) ||
                    (item.href === '/campaigns' && /^\/campaigns\/(?!new$)/.test(path));
                  return (
                    <li key={item.href}>
                      <Link href={item.href} aria-current={current ? 'page' : undefined}>
                        {item.label(t)}
                      </Link>
                    </li>
                  );
                })}
              </ul>
            </nav>
            <div class="user">
              <span>{t.nav.signedInAs(session.user, t.roles[session.role])}</span>
              <button
                type="button"
                class="button button--secondary"
                onClick={() => {
                  signOut();
                  navigate('/sign-in');
                }}
              >
                {t.nav.signOut}
              </button>
            </div>
          </div>
        ) : null}
      </header>
      <main id="main" class="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
};
