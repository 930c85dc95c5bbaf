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

/** aria-describedby and aria-invalid for the control of a Field. */
export const describedBy = (id: string, { hint, error }: { hint?: boolean; error?: string | undefined }) => ({
  id,
  'aria-describedby':
    [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined,
  'aria-invalid': error ? (true as const) : undefined,
});

/** The errors that name no field of the form, at its top, announced when they appear. */
export const ErrorSummary = ({ messages }: { messages: readonly string[] }) => {
  const { t } = useI18n();
  if (!messages.length) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1}>
      <h2>{t.common.errorSummary}</h2>
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
