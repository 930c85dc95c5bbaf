import { useEffect, useState } from 'preact/hooks';
import { unwrap, type Schemas } from '../api/client.js';
import { useApp } from '../app-context.js';
import { ErrorSummary, Form, Notice, TextField, formErrors, useAction } from '../components/form.js';
import { Loaded } from '../components/loaded.js';
import { PageTitle } from '../components/page-title.js';
import { useI18n } from '../i18n/index.js';

type Settings = Schemas['Settings'];
const CAP_FIELDS = ['messages', 'hours'] as const;
const FIELDS = CAP_FIELDS.map((field) => `frequencyCap.${field}` as const);

/** A whole number as typed, or undefined: "2.5" or "" is refused here, the range by the API. */
const wholeNumber = (text: string): number | undefined => {
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
};

/** The settings (admin): the frequency cap, at most so many messages per phone in so many hours. */
export const SettingsPage = () => {
  const { t, number, dateTime } = useI18n();
  const words = t.admin.settings;
  const { api } = useApp();
  const [settings, setSettings] = useState<Settings>();
  // Typed as text, so "2.5" reaches `wholeNumber` and its message.
  const [typed, setTyped] = useState({ messages: '', hours: '' });
  const [local, setLocal] = useState<Partial<Record<string, string>>>({});
  const [saved, setSaved] = useState<string>();
  const { busy, error, setError, act } = useAction();

  const show = (next: Settings) => {
    setSettings(next);
    setTyped({ messages: String(next.frequencyCap.messages), hours: String(next.frequencyCap.hours) });
  };
  useEffect(() => {
    void (async () => {
      try {
        show(await unwrap(api.GET('/v1/settings')));
      } catch (failure) {
        setError(failure);
      }
    })();
  }, []);

  const save = () =>
    act(async () => {
      setSaved(undefined);
      const cap = { messages: wholeNumber(typed.messages), hours: wholeNumber(typed.hours) };
      const problems = Object.fromEntries(
        CAP_FIELDS.filter((field) => cap[field] === undefined).map((field) => [
          `frequencyCap.${field}`,
          `${words[field]}: ${words.number}`,
        ]),
      );
      setLocal(problems);
      if (cap.messages === undefined || cap.hours === undefined) return;
      const next = await unwrap(
        api.PUT('/v1/settings', { body: { frequencyCap: { messages: cap.messages, hours: cap.hours } } }),
      );
      show(next);
      setSaved(words.saved(number(next.frequencyCap.messages), number(next.frequencyCap.hours)));
    });

  const { byField: apiByField, general } = formErrors(error, FIELDS, t);
  const byField: Partial<Record<string, string>> = { ...apiByField, ...local };
  return (
    <section class="narrow">
      <PageTitle text={words.title} />
      <ErrorSummary messages={general} />
      {saved ? <Notice>{saved}</Notice> : null}
      <Loaded value={settings} error={error}>
        {(settings) => (
          <Form onSubmit={save} submit={words.save} busy={busy}>
            <h2>{words.capTitle}</h2>
            <p>{words.capIntro}</p>
            <p data-testid="current-cap">
              {words.current(number(settings.frequencyCap.messages), number(settings.frequencyCap.hours))}{' '}
              {settings.updatedBy && settings.updatedAt
                ? words.updated(settings.updatedBy, dateTime(settings.updatedAt))
                : words.never}
            </p>
            <div class="inline">
              {CAP_FIELDS.map((field) => (
                <TextField
                  key={field}
                  id={`cap-${field}`}
                  inputMode="numeric"
                  label={words[field]}
                  hint={words[`${field}Hint`]}
                  error={byField[`frequencyCap.${field}`]}
                  value={typed[field]}
                  onValue={(text) => setTyped((now) => ({ ...now, [field]: text }))}
                />
              ))}
            </div>
          </Form>
        )}
      </Loaded>
    </section>
  );
};
