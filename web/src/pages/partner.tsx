import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/errors.js';
import { unwrap } from '../api/client.js';
import { useApp } from '../app-context.js';
import {
  ALL_CARRIERS,
  CARRIER_CHOICES,
  NUMBER_FIELDS,
  PARTNER_FIELDS,
  emptyPartnerForm,
  partnerBody,
  partnerFormOf,
  toggleCarrier,
  type NumberField,
  type PartnerForm,
} from '../admin/partner-form.js';
import { SecretOnce } from '../admin/secret-once.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { Button, ErrorSummary, Form, Notice, TextField, formErrors, useAction } from '../components/form.js';
import { Loaded } from '../components/loaded.js';
import { PageTitle } from '../components/page-title.js';
import { useI18n } from '../i18n/index.js';
import { Link } from '../router.js';

/** The partner's fields typed as text. */
type TextFieldName = 'id' | 'name' | 'webhookUrl' | 'senderId' | NumberField;

/** The API names the partner's id `partnerId` (a path parameter); the form calls it `id`. */
const FIELDS = [...PARTNER_FIELDS, 'partnerId'] as const;

/**
 * One telecom partner (admin): `/partners/new` adds one, `/partners/:partnerId` edits it. Every refusal is
 * shown at its field in the API's words (the webhook URL's SSRF check among them). A signing secret, from
 * the creation or from a rotation, is shown once on this page and never again.
 */
export const PartnerPage = ({ params }: { params: Record<string, string> }) => {
  const { t, dateTime } = useI18n();
  const words = t.admin.partners;
  const { api } = useApp();
  const partnerId = params.partnerId;
  const creating = partnerId === undefined;
  const [form, setForm] = useState<PartnerForm | undefined>(creating ? emptyPartnerForm : undefined);
  const [rotatedAt, setRotatedAt] = useState<string>();
  const [local, setLocal] = useState<Partial<Record<string, string>>>({});
  const [done, setDone] = useState<string>();
  const [secret, setSecret] = useState<string>();
  const [createdName, setCreatedName] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const { busy, error, setError, act } = useAction();

  useEffect(() => {
    if (creating) return;
    void (async () => {
      try {
        const partner = await unwrap(
          api.GET('/v1/partners/{partnerId}', { params: { path: { partnerId } } }),
        );
        setForm(partnerFormOf(partner));
        setRotatedAt(partner.secretRotatedAt);
      } catch (failure) {
        setError(failure);
      }
    })();
  }, [partnerId]);

  const update = (patch: Partial<PartnerForm>) => setForm((current) => current && { ...current, ...patch });

  /** Whether the id is free: PUT creates or replaces, and "add" must never replace a partner silently. */
  const idIsFree = async (id: string): Promise<boolean> => {
    try {
      await unwrap(api.GET('/v1/partners/{partnerId}', { params: { path: { partnerId: id } } }));
      return false;
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 404) return true;
      throw failure;
    }
  };

  const save = () =>
    act(async () => {
      if (!form) return;
      setDone(undefined);
      const result = partnerBody(form);
      if ('problems' in result) {
        setLocal(
          Object.fromEntries(
            Object.entries(result.problems).map(([field, problem]) => [
              field,
              `${words[field as NumberField]}: ${words.number[problem]}`,
            ]),
          ),
        );
        return;
      }
      setLocal({});
      const id = creating ? form.id.trim() : partnerId;
      if (creating && !(await idIsFree(id))) {
        setLocal({ id: `${words.id}: ${words.idTaken}` });
        return;
      }
      const saved = await unwrap(
        api.PUT('/v1/partners/{partnerId}', { params: { path: { partnerId: id } }, body: result.body }),
      );
      if ('signingSecret' in saved && typeof saved.signingSecret === 'string') {
        setSecret(saved.signingSecret);
        setCreatedName(saved.name);
      } else {
        setForm(partnerFormOf(saved));
        setDone(words.saved);
      }
    });

  const rotate = () =>
    act(async () => {
      if (partnerId === undefined) return;
      setDone(undefined);
      try {
        const rotated = await unwrap(
          api.POST('/v1/partners/{partnerId}/rotate-secret', { params: { path: { partnerId } } }),
        );
        setSecret(rotated.signingSecret);
        setRotatedAt(new Date().toISOString());
        setDone(words.rotated);
      } finally {
        setConfirming(false);
      }
    });

  const { byField: apiByField, general } = formErrors(error, FIELDS, t);
  const byField: Partial<Record<string, string>> = { ...apiByField, ...local };
  if (apiByField.partnerId) byField.id = apiByField.partnerId;
  const hints: Partial<Record<NumberField, string>> = {
    tps: words.tpsHint,
    maxBatchSize: words.maxBatchSizeHint,
  };
  /** What ties a text field to the form: its value, its label, its error and its update. */
  const bound = (form: PartnerForm, field: TextFieldName) => ({
    id: field,
    label: words[field],
    error: byField[field],
    value: form[field],
    onValue: (text: string) => update({ [field]: text }),
  });
  const title = creating ? words.newTitle : words.editTitle(form?.name ?? partnerId);

  if (createdName !== undefined && secret !== undefined)
    return (
      <section class="narrow">
        <PageTitle text={words.newTitle} />
        <Notice>{words.created(createdName)}</Notice>
        <h2>{words.secretTitle}</h2>
        <SecretOnce secret={secret} />
        <div class="buttons">
          <Link class="button button--primary" href={`/partners/${form?.id.trim() ?? ''}`}>
            {words.open}
          </Link>
          <Link class="button button--secondary" href="/partners">
            {words.back}
          </Link>
        </div>
      </section>
    );

  return (
    <section class="narrow">
      <p>
        <Link href="/partners">{words.back}</Link>
      </p>
      <PageTitle text={title} />
      <ErrorSummary messages={general} />
      {done ? <Notice>{done}</Notice> : null}
      <Loaded value={form} error={error}>
        {(form) => (
          <>
            {creating ? null : (
              <div class="panel" data-testid="secret-panel">
                <h2>{words.secretTitle}</h2>
                {rotatedAt ? (
                  <p>
                    {words.secretRotatedAt}: {dateTime(rotatedAt)}
                  </p>
                ) : null}
                {secret ? (
                  <SecretOnce secret={secret} />
                ) : (
                  <Button variant="secondary" onClick={() => setConfirming(true)}>
                    {words.rotate}
                  </Button>
                )}
              </div>
            )}
            <Form
              onSubmit={save}
              submit={creating ? words.createSubmit : words.save}
              busy={busy && !confirming}
            >
              {creating ? (
                <TextField
                  {...bound(form, 'id')}
                  hint={words.idHint}
                  maxLength={40}
                  autoComplete="off"
                  spellcheck={false}
                />
              ) : null}
              <TextField {...bound(form, 'name')} maxLength={100} />
              <TextField
                {...bound(form, 'webhookUrl')}
                type="url"
                hint={words.webhookUrlHint}
                maxLength={2048}
                spellcheck={false}
              />
              <TextField {...bound(form, 'senderId')} hint={words.senderIdHint} maxLength={11} />
              <fieldset
                class={`field${byField.carriers ? ' field--error' : ''}`}
                aria-describedby={`carriers-hint${byField.carriers ? ' carriers-error' : ''}`}
              >
                <legend>{words.carriers}</legend>
                <p class="hint" id="carriers-hint">
                  {words.carriersHint}
                </p>
                {byField.carriers ? (
                  <p class="field-error" id="carriers-error">
                    {byField.carriers}
                  </p>
                ) : null}
                <div class="checks">
                  {CARRIER_CHOICES.map((carrier) => (
                    <label key={carrier} class="check">
                      <input
                        type="checkbox"
                        checked={form.carriers.includes(carrier)}
                        onChange={(event) =>
                          update({
                            carriers: toggleCarrier(form.carriers, carrier, event.currentTarget.checked),
                          })
                        }
                      />
                      {carrier === ALL_CARRIERS ? words.allCarriers : (t.carriers[carrier] ?? carrier)}
                    </label>
                  ))}
                </div>
              </fieldset>
              {NUMBER_FIELDS.map((field) => (
                <TextField
                  key={field}
                  {...bound(form, field)}
                  inputMode={field === 'pricePerSegment' ? 'decimal' : 'numeric'}
                  hint={hints[field]}
                />
              ))}
              <div class={`field${byField.enabled ? ' field--error' : ''}`}>
                <label class="check">
                  <input
                    type="checkbox"
                    id="enabled"
                    aria-describedby="enabled-hint"
                    checked={form.enabled}
                    onChange={(event) => update({ enabled: event.currentTarget.checked })}
                  />
                  {words.enabled}
                </label>
                <p class="hint" id="enabled-hint">
                  {words.enabledHint}
                </p>
              </div>
            </Form>
          </>
        )}
      </Loaded>
      <ConfirmDialog
        id="rotate-dialog"
        open={confirming}
        title={words.rotateTitle}
        confirmLabel={words.rotateConfirm}
        cancelLabel={t.common.cancel}
        busy={busy}
        onConfirm={() => void rotate()}
        onClose={() => setConfirming(false)}
      >
        <p>{words.rotateBody}</p>
      </ConfirmDialog>
    </section>
  );
};
