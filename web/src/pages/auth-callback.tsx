import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { loadCognito } from '../auth/index.js';
import { ErrorSummary, Notice } from '../components/form.js';
import { PageTitle } from '../components/page-title.js';
import { useI18n } from '../i18n/index.js';
import { Link, navigate } from '../router.js';

/** A code can be traded once: a second render of the page waits for the first trade. */
const trades = new Map<string, Promise<string>>();

/** `/auth/callback`: Cognito sends the browser back here with the code; the tokens are fetched with PKCE. */
export const AuthCallbackPage = () => {
  const { t } = useI18n();
  const { config, signIn } = useApp();
  const [failure, setFailure] = useState<'callbackFailed' | 'noRole'>();

  useEffect(() => {
    const cognito = config.signIn === 'cognito' ? config.cognito : undefined;
    if (!cognito) {
      setFailure('callbackFailed');
      return;
    }
    const url = location.href;
    const trade = trades.get(url) ?? loadCognito(cognito).then((session) => session.completeSignIn(url));
    trades.set(url, trade);
    trade.then(
      (token) => {
        if (signIn(token)) navigate('/campaigns', { replace: true });
        else setFailure('noRole');
      },
      () => setFailure('callbackFailed'),
    );
    // Once per config: a new `signIn` identity after a render must not trade the code again.
  }, [config]);

  return (
    <section class="narrow">
      <PageTitle text={t.signIn.title} />
      {failure ? (
        <>
          <ErrorSummary messages={[t.signIn[failure]]} />
          <p>
            <Link href="/sign-in">{t.signIn.again}</Link>
          </p>
        </>
      ) : (
        <Notice>{t.signIn.completing}</Notice>
      )}
    </section>
  );
};
