import { useState } from 'preact/hooks';
import { idempotencyKey, unwrap, type Schemas } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { useApp } from '../app-context.js';
import { ErrorSummary, Form, Notice, TextField, formErrors, useAction } from '../components/form.js';
import { PhoneHint } from '../components/phone-hint.js';
import { useI18n } from '../i18n/index.js';
import { PageTitle } from '../components/page-title.js';

type OptOut = Schemas['OptOut'];

/** A phone number, checked as it is typed (the carrier, or why it is not a mobile number). */
const PhoneField = ({
  id,
  error,
  value,
  onValue,
}: {
  id: string;
  error: string | undefined;
  value: string;
  onValue: (value: string) => void;
}) => {
  const { t } = useI18n();
  return (
    <TextField
      id={id}
      type="tel"
      autoComplete="off"
      label={t.optOuts.phone}
      hint={t.optOuts.phoneHint}
      error={error}
      value={value}
      onValue={onValue}
      describes={`${id}-check`}
    >
      <PhoneHint id={`${id}-check`} phones={[value]} />
    </TextField>
  );
};

/** Looks a number up in the opt-out list. */
const Lookup = () => {
  const { t, date } = useI18n();
  const { api } = useApp();
  const [phone, setPhone] = useState('');
  const [answer, setAnswer] = useState<{ phone: string; found?: OptOut }>();
  const { busy, error, act } = useAction();
  const { byField, general } = formErrors(error, ['phone'], t);

  const lookup = () =>
    act(async () => {
      setAnswer(undefined);
      try {
        const found = await unwrap(
          api.GET('/v1/opt-outs/{phone}', { params: { path: { phone: phone.trim() } } }),
        );
        setAnswer({ phone: found.phone, found });
      } catch (failure) {
        if (!(failure instanceof ApiError && failure.status === 404)) throw failure;
        setAnswer({ phone: phone.trim() });
      }
    });

  return (
    <section class="panel" aria-labelledby="lookup-title">
      <h2 id="lookup-title">{t.optOuts.lookupTitle}</h2>
      <ErrorSummary messages={general} />
      <Form onSubmit={lookup} submit={t.optOuts.lookup} busy={busy}>
        <PhoneField id="lookup-phone" error={byField.phone} value={phone} onValue={setPhone} />
      </Form>
      {answer ? (
        <Notice>
          {answer.found
            ? `${t.optOuts.optedOut(answer.phone, date(answer.found.createdAt))} (${t.optOuts.source[answer.found.source] ?? answer.found.source}${answer.found.reason ? `: ${answer.found.reason}` : ''})`
            : t.optOuts.notOptedOut(answer.phone)}
        </Notice>
      ) : null}
    </section>
  );
};

/** Adds a number to the opt-out list. */
const Add = () => {
  const { t } = useI18n();
  const { api } = useApp();
  const [phone, setPhone] = useState('');
  const [reason, setReason] = useState('');
  const [key, setKey] = useState(idempotencyKey);
  const [added, setAdded] = useState<string>();
  const { busy, error, act } = useAction();
  const { byField, general } = formErrors(error, ['phone', 'reason'], t);

  const add = () =>
    act(async () => {
      setAdded(undefined);
      const optOut = await unwrap(
        api.POST('/v1/opt-outs', {
          body: { phone: phone.trim(), ...(reason.trim() ? { reason } : {}) },
          params: { header: { 'Idempotency-Key': key } },
        }),
      );
      setAdded(optOut.phone);
      setPhone('');
      setReason('');
      setKey(idempotencyKey());
    });

  return (
    <section class="panel" aria-labelledby="add-title">
      <h2 id="add-title">{t.optOuts.addTitle}</h2>
      <ErrorSummary messages={general} />
      {added ? <Notice>{t.optOuts.added(added)}</Notice> : null}
      <Form onSubmit={add} submit={t.optOuts.add} busy={busy}>
        <PhoneField id="add-phone" error={byField.phone} value={phone} onValue={setPhone} />
        <TextField
          id="add-reason"
          label={t.optOuts.reason}
          error={byField.reason}
          maxLength={500}
          value={reason}
          onValue={setReason}
        />
      </Form>
    </section>
  );
};

export const OptOutsPage = () => {
  const { t } = useI18n();
  return (
    <section>
      <PageTitle text={t.optOuts.title} />
      <p>{t.optOuts.intro}</p>
      <div class="columns">
        <Lookup />
        <Add />
      </div>
    </section>
  );
};
