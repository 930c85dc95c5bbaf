import type { ComponentChildren, JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { ApiError, fieldErrors } from '../api/errors.js';
import { useI18n } from '../i18n/index.js';
import type { Catalogue } from '../i18n/vi.js';

/** A labelled control with its hint and its error, wired with aria-describedby for screen readers. */
export const Field = ({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: ComponentChildren;
  hint?: ComponentChildren;
  error?: string | undefined;
  children: ComponentChildren;
}) => (
  <div class={`field${error ? ' field--error' : ''}`}>
    <label for={id}>{label}</label>
    {hint ? (
      <p class="hint" id={`${id}-hint`}>
        {hint}
      </p>
    ) : null}
    {error ? (
      <p class="field-error" id={`${id}-error`}>
        {error}
      </p>
    ) : null}
    {children}
  </div>
);

/**
 * aria-describedby and aria-invalid for the control of a Field; `also` names one more element that describes
 * it (a live check below it), read between the hint and the error.
 */
export const describedBy = (
  id: string,
  { hint, error, also }: { hint?: boolean; error?: string | undefined; also?: string | undefined },
) => ({
  id,
  'aria-describedby':
    [hint ? `${id}-hint` : '', also ?? '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined,
  'aria-invalid': error ? (true as const) : undefined,
});

/**
 * A Field holding one text input whose value the page keeps (`onValue` gets the text as typed); `children`
 * go below the input, `describes` names the one of them that describes it.
 */
export const TextField = ({
  id,
  label,
  hint,
  error,
  value,
  onValue,
  describes,
  children,
  ...input
}: {
  id: string;
  label: ComponentChildren;
  hint?: ComponentChildren;
  error?: string | undefined;
  value: string;
  onValue: (value: string) => void;
  describes?: string;
  children?: ComponentChildren;
} & Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'id' | 'label' | 'value' | 'onInput' | 'children'>) => (
  <Field id={id} label={label} hint={hint} error={error}>
    <input
      type="text"
      {...input}
      {...describedBy(id, { hint: Boolean(hint), error, also: describes })}
      value={value}
      onInput={(event) => onValue(event.currentTarget.value)}
    />
    {children}
  </Field>
);

/**
 * A form the page sends itself (no page load; no browser validation, so the API's own messages show beside
 * their fields), with its submit button, busy while it is sent, when `submit` names it.
 */
export const Form = ({
  onSubmit,
  submit,
  busy = false,
  class: formClass,
  children,
}: {
  onSubmit: () => unknown;
  submit?: ComponentChildren;
  busy?: boolean;
  class?: string;
  children: ComponentChildren;
}) => (
  <form
    class={formClass}
    noValidate
    onSubmit={(event) => {
      event.preventDefault();
      void onSubmit();
    }}
  >
    {children}
    {submit ? (
      <Button type="submit" busy={busy}>
        {submit}
      </Button>
    ) : null}
  </form>
);

/**
 * The errors that name no field of the form, at its top, announced when they appear; `title` says what
 * failed when the page knows better than "there is a problem".
 */
export const ErrorSummary = ({ messages, title }: { messages: readonly string[]; title?: string }) => {
  const { t } = useI18n();
  if (!messages.length) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1}>
      <h2>{title ?? t.common.errorSummary}</h2>
      <ul>
        {messages.map((message) => (
          <li key={message}>{message}</li>
        ))}
      </ul>
    </div>
  );
};

export const Notice = ({ children }: { children: ComponentChildren }) => (
  <div class="notice" role="status">
    {children}
  </div>
);

/**
 * A long or sending action: while it runs, `run` ignores further calls and the button is disabled, so a
 * double click never sends twice.
 */
export const useBusy = () => {
  const running = useRef(false);
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<void>): Promise<void> => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    try {
      await work();
    } finally {
      running.current = false;
      setBusy(false);
    }
  };
  return { busy, run };
};

/**
 * A form's sending action and its failure: `act` runs `work` once at a time (see useBusy), clears the last
 * failure first and keeps what `work` throws, for `formErrors` to show.
 */
export const useAction = () => {
  const { busy, run } = useBusy();
  const [error, setError] = useState<unknown>();
  const act = (work: () => Promise<void>): Promise<void> =>
    run(async () => {
      setError(undefined);
      try {
        await work();
      } catch (failure) {
        setError(failure);
      }
    });
  return { busy, error, setError, act };
};

export const Button = ({
  busy = false,
  children,
  variant = 'primary',
  disabled = false,
  ...rest
}: {
  busy?: boolean;
  disabled?: boolean;
  variant?: 'primary' | 'secondary' | 'warning';
} & JSX.ButtonHTMLAttributes<HTMLButtonElement>) => {
  const { t } = useI18n();
  return (
    <button
      type="button"
      {...rest}
      class={`button button--${variant}`}
      disabled={busy || disabled}
      aria-busy={busy || undefined}
    >
      {busy ? t.common.working : children}
    </button>
  );
};

/**
 * Splits an error for a form: details naming one of `fields` go beside it, the rest to the summary; a
 * network failure or a refused role gets the console's own sentence.
 */
export const formErrors = (
  error: unknown,
  fields: readonly string[],
  t: Catalogue,
): { byField: Record<string, string>; general: string[] } => {
  if (!error) return { byField: {}, general: [] };
  if (!(error instanceof ApiError)) return { byField: {}, general: [String(error)] };
  if (error.status === 0) return { byField: {}, general: [t.common.networkError] };
  if (error.status === 403) return { byField: {}, general: [t.common.forbidden] };
  if (error.status === 401) return { byField: {}, general: [t.common.sessionExpired] };
  return fieldErrors(error, fields);
};

/** A checkbox with its label beside it; `onChecked` gets whether it is now ticked. */
export const Check = ({
  label,
  checked,
  onChecked,
  hidden,
  ...input
}: {
  label: ComponentChildren;
  checked: boolean;
  onChecked: (checked: boolean) => void;
  hidden?: boolean;
} & Omit<
  JSX.InputHTMLAttributes<HTMLInputElement>,
  'label' | 'checked' | 'hidden' | 'type' | 'onChange'
>) => (
  <label class="check" hidden={hidden}>
    <input
      type="checkbox"
      {...input}
      checked={checked}
      onChange={(event) => onChecked(event.currentTarget.checked)}
    />
    {label}
  </label>
);
