import { useState } from 'preact/hooks';
import { idempotencyKey, unwrap } from '../api/client.js';
import { useApp } from '../app-context.js';
import {
  ErrorSummary,
  Field,
  Form,
  TextField,
  describedBy,
  formErrors,
  useAction,
} from '../components/form.js';
import { useI18n } from '../i18n/index.js';
import { navigate } from '../router.js';
import { PageTitle } from '../components/page-title.js';

const FIELDS = ['name', 'description'] as const;

/** Creates an empty audience, then opens it to upload its subscribers. */
export const AudienceNewPage = () => {
  const { t } = useI18n();
  const { api } = useApp();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [key] = useState(idempotencyKey);
  const { busy, error, act } = useAction();
  const { byField, general } = formErrors(error, FIELDS, t);

  const submit = () =>
    act(async () => {
      const audience = await unwrap(
        api.POST('/v1/audiences', {
          body: { name, ...(description.trim() ? { description } : {}) },
          params: { header: { 'Idempotency-Key': key } },
        }),
      );
      navigate(`/audiences/${audience.id}`);
    });

  return (
    <section class="narrow">
      <PageTitle text={t.audiences.newTitle} />
      <ErrorSummary messages={general} />
      <Form onSubmit={submit} submit={t.audiences.create} busy={busy}>
        <TextField
          id="name"
          label={t.audiences.name}
          error={byField.name}
          value={name}
          maxLength={100}
          onValue={setName}
        />
        <Field id="description" label={t.audiences.description} error={byField.description}>
          <textarea
            {...describedBy('description', { error: byField.description })}
            value={description}
            maxLength={1000}
            rows={3}
            onInput={(event) => setDescription(event.currentTarget.value)}
          />
        </Field>
      </Form>
    </section>
  );
};
