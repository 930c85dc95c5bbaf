import { useEffect, useState } from 'preact/hooks';
import { messageFor } from '../../../functions/core/messages.js';
import { useI18n } from '../i18n/index.js';
import { loadNormaliser, type Normalise } from '../phone-check.js';

/** Loads the core's phone normaliser once, for the fields that check numbers as they are typed. */
const useNormaliser = (): Normalise | undefined => {
  const [normalise, setNormalise] = useState<Normalise>();
  useEffect(() => {
    void loadNormaliser().then((found) => setNormalise(() => found));
  }, []);
  return normalise;
};

/**
 * What each typed number becomes, as the API will read it: `+84981234567 (Viettel)`, or why it cannot
 * receive a message. The API checks again; this only saves a round trip.
 */
export const PhoneHint = ({ id, phones }: { id: string; phones: readonly string[] }) => {
  const { t, lang } = useI18n();
  const normalise = useNormaliser();
  const typed = phones.map((phone) => phone.trim()).filter(Boolean);
  if (!normalise || typed.length === 0) return <p class="hint" id={id} aria-live="polite" />;
  return (
    <ul class="phone-hint hint" id={id} aria-live="polite">
      {typed.map((phone) => {
        const result = normalise(phone);
        return (
          <li key={phone} class={result.ok ? 'phone-ok' : 'phone-bad'}>
            {result.ok
              ? t.phone.ok(result.phone, t.carriers[result.carrier] ?? result.carrier)
              : t.phone.bad(phone, messageFor(result.code, result.params, lang))}
          </li>
        );
      })}
    </ul>
  );
};
