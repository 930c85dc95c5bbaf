import { useEffect, useMemo, useState } from 'preact/hooks';
import { createApi } from './api/client.js';
import { AppContext, type AppState, type ConsoleConfig } from './app-context.js';
import { Layout } from './components/layout.js';
import { I18nProvider, useI18n } from './i18n/index.js';
import { lazyPage, type Page } from './lazy-page.js';
import { AuthCallbackPage } from './pages/auth-callback.js';
import { loadCognito } from './auth/index.js';
import { CampaignsPage } from './pages/campaigns.js';
import { NotFoundPage } from './pages/not-found.js';
import { SignInPage } from './pages/sign-in.js';
import { matchRoute, navigate, useLocation } from './router.js';
import { clearSession, loadSession, saveSession, type Session } from './session.js';

/** Every page but the first ones a user meets loads when it is first opened (lazy-page.tsx). */
const ApprovalsPage = lazyPage(() => import('./pages/approvals.js'), 'ApprovalsPage');
const AudienceNewPage = lazyPage(() => import('./pages/audience-new.js'), 'AudienceNewPage');
const AudiencePage = lazyPage(() => import('./pages/audience.js'), 'AudiencePage');
const AudiencesPage = lazyPage(() => import('./pages/audiences.js'), 'AudiencesPage');
const AuditPage = lazyPage(() => import('./pages/audit.js'), 'AuditPage');
const CalendarPage = lazyPage(() => import('./pages/calendar.js'), 'CalendarPage');
const CampaignEditorPage = lazyPage(() => import('./pages/campaign-editor.js'), 'CampaignEditorPage');
const CampaignMessagesPage = lazyPage(() => import('./pages/campaign-messages.js'), 'CampaignMessagesPage');
const CampaignMetricsPage = lazyPage(() => import('./pages/campaign-metrics.js'), 'CampaignMetricsPage');
const MetricsSummaryPage = lazyPage(() => import('./pages/metrics-summary.js'), 'MetricsSummaryPage');
const OptOutsPage = lazyPage(() => import('./pages/opt-outs.js'), 'OptOutsPage');
const PartnerPage = lazyPage(() => import('./pages/partner.js'), 'PartnerPage');
const PartnersPage = lazyPage(() => import('./pages/partners.js'), 'PartnersPage');
const ReviewPage = lazyPage(() => import('./pages/review.js'), 'ReviewPage');
const TemplatesPage = lazyPage(() => import('./pages/templates.js'), 'TemplatesPage');
const TemplatePage = lazyPage(() => import('./pages/template.js'), 'TemplatePage');
const SettingsPage = lazyPage(() => import('./pages/settings.js'), 'SettingsPage');

/** Client routes, one page each (web/src/pages/); all but signing in need a session. */
const ROUTES = [
  ['signIn', '/sign-in'],
  ['authCallback', '/auth/callback'],
  ['campaigns', '/campaigns'],
  ['newCampaign', '/campaigns/new'],
  ['campaign', '/campaigns/:campaignId'],
  ['audiences', '/audiences'],
  ['newAudience', '/audiences/new'],
  ['audience', '/audiences/:audienceId'],
  ['optOuts', '/opt-outs'],
  ['approvals', '/approvals'],
  ['review', '/approvals/:campaignId'],
  ['partners', '/partners'],
  ['newPartner', '/partners/new'],
  ['partner', '/partners/:partnerId'],
  ['settings', '/settings'],
  ['audit', '/audit'],
  ['campaignMetrics', '/campaigns/:campaignId/metrics'],
  ['campaignMessages', '/campaigns/:campaignId/messages'],
  ['metricsSummary', '/metrics'],
  ['calendar', '/calendar'],
  ['templates', '/templates'],
  ['newTemplate', '/templates/new'],
  ['template', '/templates/:templateId'],
] as const;
type RouteName = (typeof ROUTES)[number][0];

const PAGES: Record<RouteName, Page> = {
  signIn: SignInPage,
  authCallback: AuthCallbackPage,
  campaigns: CampaignsPage,
  newCampaign: CampaignEditorPage,
  campaign: CampaignEditorPage,
  audiences: AudiencesPage,
  newAudience: AudienceNewPage,
  audience: AudiencePage,
  optOuts: OptOutsPage,
  approvals: ApprovalsPage,
  review: ReviewPage,
  partners: PartnersPage,
  newPartner: PartnerPage,
  partner: PartnerPage,
  settings: SettingsPage,
  audit: AuditPage,
  campaignMetrics: CampaignMetricsPage,
  campaignMessages: CampaignMessagesPage,
  metricsSummary: MetricsSummaryPage,
  calendar: CalendarPage,
  templates: TemplatesPage,
  newTemplate: TemplatePage,
  template: TemplatePage,
};

const Router = ({ session }: { session: Session | undefined }) => {
  const { path, visit } = useLocation();
  const match = matchRoute(ROUTES, path);
  const signingIn = match?.route === 'signIn' || match?.route === 'authCallback';
  const wantsSignIn = !session && !signingIn;
  const home = session && (path === '/' || match?.route === 'signIn');
  useEffect(() => {
    if (wantsSignIn) navigate('/sign-in', { replace: true });
    else if (home) navigate('/campaigns', { replace: true });
  }, [wantsSignIn, home]);
  // After a move within the console, a screen reader starts reading at the new page, as after a load.
  useEffect(() => {
    if (visit > 0) document.getElementById('main')?.focus({ preventScroll: true });
  }, [visit]);
  if (wantsSignIn || home) return null;
  if (!match) return <NotFoundPage />;
  const Page = PAGES[match.route];
  return <Page key={visit} params={match.params} />;
};

const Console = ({ config }: { config: ConsoleConfig }) => {
  const { lang } = useI18n();
  const [session, setSession] = useState(() => loadSession(sessionStorage, Date.now()));
  const [sessionEnded, setSessionEnded] = useState(false);
  const cognito = config.signIn === 'cognito' ? config.cognito : undefined;
  const signedIn = session !== undefined;
  // With Cognito, tokens are refreshed before they expire; when that fails the session ends, saying so.
  useEffect(() => {
    if (!cognito || !signedIn) return;
    let stop: (() => void) | undefined;
    let stopped = false;
    void loadCognito(cognito).then((auth) => {
      if (stopped) return;
      stop = auth.watch({
        renewed: (token) => setSession(saveSession(sessionStorage, token)),
        ended: () => {
          clearSession(sessionStorage);
          setSession(undefined);
          setSessionEnded(true);
        },
      });
    });
    return () => {
      stopped = true;
      stop?.();
    };
  }, [cognito, signedIn]);
  const state = useMemo<AppState>(() => {
    const endSession = () => {
      clearSession(sessionStorage);
      setSession(undefined);
    };
    const signOut = () => {
      endSession();
      if (cognito) void loadCognito(cognito).then((auth) => auth.signOut());
    };
    return {
      config,
      session,
      api: createApi({
        baseUrl: config.apiBaseUrl,
        token: () => session?.token,
        lang: () => lang,
        onUnauthorized: () => {
          setSessionEnded(true);
          endSession();
        },
      }),
      signIn: (token) => {
        const next = saveSession(sessionStorage, token);
        setSession(next);
        setSessionEnded(false);
        return next !== undefined;
      },
      signOut,
      sessionEnded,
    };
  }, [config, cognito, session, lang, sessionEnded]);
  return (
    <AppContext.Provider value={state}>
      <Layout>
        <Router session={session} />
      </Layout>
    </AppContext.Provider>
  );
};

export const App = ({ config }: { config: ConsoleConfig }) => (
  <I18nProvider>
    <Console config={config} />
  </I18nProvider>
);
