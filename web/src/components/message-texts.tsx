import { useMemo, useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { DEFAULT_LANGUAGE, UNACCENTED_VIETNAMESE } from '../../../functions/core/content/languages.js';
import { withVariant, type ContentForm } from '../content-form.js';
import { liveEstimate, previewParts, withFallbacks, type Pricing } from '../message-estimate.js';
import { VariantTabs } from './content-editor.js';
import { LiveEstimatePanel } from './message-estimate.js';
import { PhonePreview } from './phone-preview.js';

export interface MessageTexts {
  message: string;
  content: ContentForm;
}

/**
 * A message's texts being edited (the Vietnamese message and its language variants), one language shown at a
 * time: that language's text, how to change it, and, on the Vietnamese text while it has none, how to add its
 * unaccented variant (which then is shown).
 */
export const useMessageTexts = (
  { message, content }: MessageTexts,
  onChange: (changes: Partial<MessageTexts>) => void,
) => {
  const [active, setActive] = useState(DEFAULT_LANGUAGE);
  const text =
    active === DEFAULT_LANGUAGE
      ? message
      : (content.variants.find((v) => v.language === active)?.text ?? message);
  const setText = (changed: string) =>
    active === DEFAULT_LANGUAGE
      ? onChange({ message: changed })
      : onChange({ content: withVariant(content, active, changed) });
  const hasUnaccented = content.variants.some((v) => v.language === UNACCENTED_VIETNAMESE);
  const addUnaccented =
    active === DEFAULT_LANGUAGE && !hasUnaccented
      ? (unaccented: string) => {
          onChange({ content: withVariant(content, UNACCENTED_VIETNAMESE, unaccented) });
          setActive(UNACCENTED_VIETNAMESE);
        }
      : undefined;
  return { message, content, onChange, active, setActive, text, setText, addUnaccented };
};

export type MessageTextsHandle = ReturnType<typeof useMessageTexts>;

/** The language tabs of the texts of `useMessageTexts`, with the API's errors about them. */
export const MessageTabs = ({
  texts,
  idPrefix,
  readOnly,
  errors,
}: {
  texts: MessageTextsHandle;
  idPrefix: string;
  readOnly: boolean;
  /** The form's errors by field: the tabs show those of `message` and `variants`. */
  errors: { message?: string | undefined; variants?: string | undefined };
}) => (
  <VariantTabs
    idPrefix={idPrefix}
    message={texts.message}
    content={texts.content}
    active={texts.active}
    readOnly={readOnly}
    error={errors.message}
    variantsError={errors.variants}
    onMessage={(message) => texts.onChange({ message })}
    onContent={(content) => texts.onChange({ content })}
    onActive={texts.setActive}
  />
);

/**
 * Beside the texts: the live estimate of the language shown (at `pricing`, the server's prices once a
 * campaign has them) and how it arrives on a phone. `onUnaccentedAdded` follows adding the unaccented variant.
 */
export const MessageSide = ({
  texts,
  readOnly,
  currency,
  pricing,
  onUnaccentedAdded,
}: {
  texts: MessageTextsHandle;
  readOnly: boolean;
  currency: string;
  pricing?: Pricing | undefined;
  onUnaccentedAdded?: () => void;
}) => {
  const { config } = useApp();
  const linkBase = config.shortLinkBaseUrl;
  const live = useMemo(() => liveEstimate(texts.text, linkBase, pricing), [texts.text, linkBase, pricing]);
  const parts = useMemo(() => previewParts(withFallbacks(texts.text), linkBase), [texts.text, linkBase]);
  const { addUnaccented } = texts;
  return (
    <>
      <LiveEstimatePanel
        text={texts.text}
        estimate={live}
        currency={currency}
        readOnly={readOnly}
        onUseAlternative={texts.setText}
        onAddUnaccented={
          addUnaccented
            ? (text) => {
                addUnaccented(text);
                onUnaccentedAdded?.();
              }
            : undefined
        }
      />
      <PhonePreview parts={parts} linkBase={linkBase} />
    </>
  );
};
