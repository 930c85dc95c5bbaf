import { useRef, useState } from 'preact/hooks';
import { Button } from '../components/form.js';
import { useI18n } from '../i18n/index.js';

/**
 * A signing secret the API shows once (on create and on rotate). It lives only in the state of the page
 * that received it: no storage, no address, so leaving the page and coming back cannot show it again.
 * Copy uses the Clipboard API; where that is refused (an insecure origin, a denied permission) the text is
 * selected for the user to copy by hand.
 */
export const SecretOnce = ({ secret }: { secret: string }) => {
  const { t } = useI18n();
  const words = t.admin.partners;
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'done' | 'by-hand'>();

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('done');
    } catch {
      field.current?.focus();
      field.current?.select();
      setCopied('by-hand');
    }
  };

  return (
    <div class="panel secret-once" data-testid="secret-once">
      <p class="secret-once__warning">
        <strong>{words.secretOnce}</strong>
      </p>
      <div class="field">
        <label for="signing-secret">{words.secretLabel}</label>
        <div class="secret-once__row">
          <input
            ref={field}
            id="signing-secret"
            type="text"
            readOnly
            value={secret}
            spellcheck={false}
            autoComplete="off"
            onFocus={(event) => event.currentTarget.select()}
          />
          <Button variant="secondary" onClick={() => void copy()}>
            {words.copy}
          </Button>
        </div>
      </div>
      <p role="status" class="hint">
        {copied === 'done' ? words.copied : copied === 'by-hand' ? words.copyFallback : ''}
      </p>
    </div>
  );
};
