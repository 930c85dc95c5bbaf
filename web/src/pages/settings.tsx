import { useEffect, useState } from 'preact/hooks';
import { unwrap, type Schemas } from '../api/client.js';
import { useApp } from '../app-context.js';
import { Button, ErrorSummary, Field, Notice, describedBy, formErrors, useBusy } from '../components/form.js';
import { Loaded } from '../components/loaded.js';
import { PageTitle } from '../components/page-title.js';
import { useI18n } from '../i18n/index.js';

type Settings = Schemas['Settings'];
const FIELDS = ['frequencyCap.messages', 'frequencyCap.hours'] as const;

/** A whole number as typed, or undefined: "2.5" or "" is refused here, the range by the API. */
const wholeNumber = (text: string): number | undefined => {
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
};

/** A whole number typed as text (so "2.5" reaches `wholeNumber` and its message), with its hint. */
const WholeNumberField = ({
  id,
  label,
  hint,
  error,
  value,
  onInput,
}: {
  id: string;
  label: string;
  hint: string;
  error: string | undefined;
  value: string;
  onInput: (value: string) => void;
}) => (
  <Field id={id} label={label} hint={hint} error={error}>
    <input
      {...describedBy(id, { hint: true, error })}
      type="text"
      inputMode="numeric"
      value={value}
      onInput={(event) => onInput(event.currentTarget.value)}
    />
  </Field>
);

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
      <Loaded value={settings} error={error}>
        {(settings) => (
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
              <WholeNumberField
                id="cap-messages"
                label={words.messages}
                hint={words.messagesHint}
                error={byField['frequencyCap.messages']}
                value={messages}
                onInput={setMessages}
              />
              <WholeNumberField
                id="cap-hours"
                label={words.hours}
                hint={words.hoursHint}
                error={byField['frequencyCap.hours']}
                value={hours}
                onInput={setHours}
              />
            </div>
            <Button type="submit" busy={busy}>
              {words.save}
            </Button>
          </form>
        )}
      </Loaded>
    </section>
  );
};
