import { useI18n } from '../i18n/index.js';
import { nonGsmRuns, type LiveEstimate } from '../message-estimate.js';
import { Facts } from './facts.js';

/** What the message costs as typed: encoding, characters, segments, what is left, the cheaper text. */
export const LiveEstimatePanel = ({
  text,
  estimate,
  currency,
  onUseAlternative,
  onAddUnaccented,
  readOnly,
}: {
  text: string;
  estimate: LiveEstimate;
  currency: string;
  onUseAlternative: (text: string) => void;
  /** Offered on the Vietnamese text while it has no unaccented variant: adds the alternative as one. */
  onAddUnaccented?: ((text: string) => void) | undefined;
  readOnly: boolean;
}) => {
  const { t, number, money } = useI18n();
  const { alternative } = estimate;
  return (
    <section class="panel" aria-labelledby="live-estimate-title" data-testid="live-estimate">
      <h3 id="live-estimate-title">{t.editor.estimate}</h3>
      <Facts
        items={[
          {
            label: t.editor.encoding,
            value: estimate.encoding === 'GSM-7' ? t.editor.gsm : t.editor.ucs,
            testId: 'encoding',
          },
          { label: t.editor.characters, value: number(estimate.characters), testId: 'characters' },
          { label: t.editor.segments, value: number(estimate.segments), testId: 'segments' },
          estimate.cost !== undefined && {
            label: t.editor.liveCost,
            value: money(estimate.cost, currency),
            testId: 'live-cost',
          },
        ]}
      />
      <p class="estimate-line" data-testid="left">
        {t.editor.left(number(estimate.left))}
      </p>
      {estimate.nonGsmCharacters.length ? (
        <>
          <p class="estimate-line non-gsm-list">
            {t.editor.nonGsm}:{' '}
            {estimate.nonGsmCharacters.map((char) => (
              <mark key={char} class="non-gsm">
                {char}
              </mark>
            ))}
          </p>
          <p class="highlighted" data-testid="highlighted">
            {nonGsmRuns(text, estimate.nonGsmCharacters).map((run, i) =>
              run.nonGsm ? (
                <mark key={i} class="non-gsm">
                  {run.text}
                </mark>
              ) : (
                run.text
              ),
            )}
          </p>
        </>
      ) : null}
      {alternative ? (
        <div class="alternative">
          <h4>{t.editor.alternative}</h4>
          <p class="highlighted">{alternative.text}</p>
          <p class="estimate-line">
            {t.editor.segmentsCount(number(alternative.segments))}
            {alternative.cost !== undefined
              ? ` · ${t.editor.alternativeCost(money(alternative.cost, currency))}`
              : ''}
          </p>
          {readOnly ? null : (
            <button
              type="button"
              class="button button--secondary"
              onClick={() => onUseAlternative(alternative.text)}
            >
              {alternative.saving !== undefined
                ? t.editor.useAlternative(number(alternative.segments), money(alternative.saving, currency))
                : t.editor.useAlternativeNoCost(number(alternative.segments))}
            </button>
          )}
          {readOnly || !onAddUnaccented ? null : (
            <button
              type="button"
              class="button button--secondary"
              onClick={() => onAddUnaccented(alternative.text)}
            >
              {t.content.useAsUnaccented}
            </button>
          )}
        </div>
      ) : null}
    </section>
  );
};
