import { Fragment } from 'preact';
import { useI18n } from '../i18n/index.js';
import { previewLink } from '../message-estimate.js';

/** A text as a phone shows it: one bubble per segment, each link as the short link it becomes. */
export const PhoneBubbles = ({
  parts,
  linkBase,
  testId,
}: {
  parts: readonly string[];
  linkBase: string;
  testId?: string;
}) => {
  const { t, number } = useI18n();
  const link = previewLink(linkBase);
  return (
    <div class="phone" data-testid={testId}>
      {parts.map((part, i) => (
        <div class="bubble" key={i}>
          {parts.length > 1 ? (
            <small>{t.editor.previewPart(number(i + 1), number(parts.length))}</small>
          ) : null}
          {part.split(link).map((piece, j) => (
            <Fragment key={j}>
              {j > 0 ? <span class="short-link">{link}</span> : null}
              {piece}
            </Fragment>
          ))}
        </div>
      ))}
    </div>
  );
};

/** The message being written, as a phone shows it. */
export const PhonePreview = ({ parts, linkBase }: { parts: readonly string[]; linkBase: string }) => {
  const { t } = useI18n();
  return (
    <section aria-labelledby="preview-title">
      <h3 id="preview-title">{t.editor.preview}</h3>
      <PhoneBubbles parts={parts} linkBase={linkBase} testId="phone-preview" />
    </section>
  );
};
