import { useEffect, useState } from 'preact/hooks';
import { unwrap, type Schemas } from '../api/client.js';
import { useApp } from '../app-context.js';
import { Button, ErrorSummary, Field, Notice, describedBy, formErrors, useBusy } from '../components/form.js';
import { PageTitle } from '../components/page-title.js';
import { useI18n } from '../i18n/index.js';

type Settings = Schemas['Settings'];
const FIELDS = ['frequencyCap.messages', 'frequencyCap.hours'] as const;

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
  const [messages, setMessages] = useState('');
  const [hours, setHours] = useState('');
  const [error, setError] = useState<unknown>();
  const [local, setLocal] = useState<Partial<Record<string, string>>>({});
  const [saved, setSaved] = useState<string>();
  const { busy, run } = useBusy();

  const show = (next: Settings) => {
    setSettings(next);
    setMessages(String(next.frequencyCap.messages));
    setHours(String(next.frequencyCap.hours));
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
    run(async () => {
      setError(undefined);
      setSaved(undefined);
      const cap = { messages: wholeNumber(messages), hours: wholeNumber(hours) };
      const problems = Object.fromEntries(
        (['messages', 'hours'] as const)
          .filter((field) => cap[field] === undefined)
          .map((field) => [`frequencyCap.${field}`, `${words[field]}: ${words.number}`]),
      );
      setLocal(problems);
      if (cap.messages === undefined || cap.hours === undefined) return;
      try {
        const next = await unwrap(
          api.PUT('/v1/settings', { body: { frequencyCap: { messages: cap.messages, hours: cap.hours } } }),
        );
        show(next);
        setSaved(words.saved(number(next.frequencyCap.messages), number(next.frequencyCap.hours)));
      } catch (failure) {
        setError(failure);
      }
    });

  const { byField: apiByField, general } = formErrors(error, FIELDS, t);
  const byField: Partial<Record<string, string>> = { ...apiByField, ...local };
  return (
    <section class="narrow">
      <PageTitle text={words.title} />
      <ErrorSummary messages={general} />
      {saved ? <Notice>{saved}</Notice> : null}
      {!settings ? (
        error ? null : (
          <p>{t.common.loading}</p>
        )
      ) : (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <h2>{words.capTitle}</h2>
          <p>{words.capIntro}</p>
          <p data-testid="current-cap">
            {words.current(number(settings.frequencyCap.messages), number(settings.frequencyCap.hours))}{' '}
            {settings.updatedBy && settings.updatedAt
              ? words.updated(settings.updatedBy, dateTime(settings.updatedAt))
              : words.never}
          </p>
          <div class="inline">
            <Field
              id="cap-messages"
              label={words.messages}
              hint={words.messagesHint}
              error={byField['frequencyCap.messages']}
            >
              <input
                {...describedBy('cap-messages', { hint: true, error: byField['frequencyCap.messages'] })}
                type="text"
                inputMode="numeric"
                value={messages}
                onInput={(event) => setMessages(event.currentTarget.value)}
              />
            </Field>
            <Field
              id="cap-hours"
              label={words.hours}
              hint={words.hoursHint}
              error={byField['frequencyCap.hours']}
            >
              <input
                {...describedBy('cap-hours', { hint: true, error: byField['frequencyCap.hours'] })}
                type="text"
                inputMode="numeric"
                value={hours}
                onInput={(event) => setHours(event.currentTarget.value)}
              />
            </Field>
          </div>
          <Button type="submit" busy={busy}>
            {words.save}
          </Button>
        </form>
      )}
    </section>
  );
};
