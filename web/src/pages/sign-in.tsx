import { useState } from 'preact/hooks';
import { fetchLocalToken } from '../api/local-token.js';
import { useApp, type CognitoConfig } from '../app-context.js';
import { loadCognito } from '../auth/index.js';
import { Button, ErrorSummary, Form, Notice, TextField, formErrors, useAction } from '../components/form.js';
import { useI18n } from '../i18n/index.js';
import { ROLES, type Role } from '../i18n/roles.js';
import { navigate } from '../router.js';
import { PageTitle } from '../components/page-title.js';
import { RadioGroup } from '../components/radio-group.js';

/** On AWS: one button to Cognito's managed login (authorization code with PKCE). */
const CognitoSignIn = ({ cognito }: { cognito: CognitoConfig | undefined }) => {
  const { t } = useI18n();
  const { sessionEnded } = useApp();
  const { busy, error, act } = useAction();
  const start = (settings: CognitoConfig) =>
    act(async () => {
      await (await loadCognito(settings)).startSignIn();
    });
  return (
    <section class="narrow">
      <PageTitle text={t.signIn.title} />
      {sessionEnded ? <Notice>{t.common.sessionExpired}</Notice> : null}
      <ErrorSummary
        messages={[
          ...(cognito ? [] : [t.signIn.cognitoUnavailable]),
          ...(error === undefined ? [] : [t.signIn.cognitoFailed]),
        ]}
      />
      <p>{t.signIn.cognitoIntro}</p>
      {cognito ? (
        <Button type="button" busy={busy} onClick={() => void start(cognito)}>
          {t.signIn.cognito}
        </Button>
      ) : null}
    </section>
  );
};

/** "Sign in as": one of the four roles and a user name, for the local runtime; Cognito on AWS. */
export const SignInPage = () => {
  const { t } = useI18n();
  const { config, signIn, sessionEnded } = useApp();
  const [role, setRole] = useState<Role>('officer');
  const [user, setUser] = useState('');
  const { busy, error, act } = useAction();
  const { byField, general } = formErrors(error, ['role', 'user'], t);

  if (config.signIn === 'cognito') return <CognitoSignIn cognito={config.cognito} />;

  const submit = () =>
    act(async () => {
      const token = await fetchLocalToken(config.apiBaseUrl, role, user.trim() || `${role}@local`);
      if (signIn(token)) navigate('/campaigns', { replace: true });
    });

  return (
    <section class="narrow">
      <PageTitle text={t.signIn.title} />
      {sessionEnded ? <Notice>{t.common.sessionExpired}</Notice> : null}
      <p>{t.signIn.intro}</p>
      <ErrorSummary messages={general} />
      <Form onSubmit={submit} submit={t.signIn.submit} busy={busy}>
        <RadioGroup
          name="role"
          legend={t.signIn.role}
          options={ROLES}
          label={(candidate) => t.roles[candidate]}
          value={role}
          onChange={setRole}
          error={byField.role}
        />
        <TextField
          id="user"
          label={t.signIn.user}
          hint={t.signIn.userHint}
          error={byField.user}
          autoComplete="username"
          value={user}
          onValue={setUser}
        />
      </Form>
    </section>
  );
};
