import { useState } from 'preact/hooks';
import { DEFAULT_LANGUAGE, languageName } from '../../../functions/core/content/languages.js';
import type { TreatmentId } from '../../../functions/core/content/assignment.js';
import {
  addTreatment,
  addableLanguages,
  fieldsUsed,
  languageToAdd,
  MAX_TREATMENTS,
  MIN_TREATMENTS,
  percentOf,
  removeTreatment,
  splitState,
  startTest,
  stopTest,
  textProblems,
  withTreatment,
  withVariant,
  withoutVariant,
  type ContentForm,
} from '../content-form.js';
import { useI18n } from '../i18n/index.js';
import { Button, describedBy } from './form.js';

/** The placeholder problems of a text, beside it, in the reader's language (the API's catalogue). */
export const TextProblems = ({ id, text }: { id: string; text: string }) => {
  const { t, lang } = useI18n();
  const problems = textProblems(text, lang);
  if (!problems.length) return null;
  return (
    <div class="field-error" id={id} data-testid="text-problems">
      <p>{t.content.problemsTitle}:</p>
      <ul>
        {problems.map((problem, i) => (
          <li key={i}>{problem}</li>
        ))}
      </ul>
    </div>
  );
};

/**
 * The message texts as tabs: `Tiếng Việt` (the campaign message) and one per language variant, each
 * removable, a picker to add a language, the fields the texts use and a short help on the syntax.
 * Used by the campaign editor and the template page.
 */
export const VariantTabs = ({
  idPrefix,
  message,
  content,
  active,
  readOnly,
  error,
  variantsError,
  onMessage,
  onContent,
  onActive,
}: {
  idPrefix: string;
  message: string;
  content: ContentForm;
  active: string;
  readOnly: boolean;
  error?: string | undefined;
  variantsError?: string | undefined;
  onMessage: (message: string) => void;
  onContent: (content: ContentForm) => void;
  onActive: (language: string) => void;
}) => {
  const { t, lang } = useI18n();
  const [choice, setChoice] = useState('');
  const [typed, setTyped] = useState('');
  const [addProblem, setAddProblem] = useState<string>();
  const tabs = [DEFAULT_LANGUAGE, ...content.variants.map((v) => v.language)];
  const current = tabs.includes(active) ? active : DEFAULT_LANGUAGE;
  const text =
    current === DEFAULT_LANGUAGE
      ? message
      : (content.variants.find((v) => v.language === current)?.text ?? '');
  const fields = fieldsUsed(message, content);
  const name = (tag: string) => languageName(tag, lang);
  const textId = `${idPrefix}message`;
  const problemsId = `${idPrefix}message-problems`;
  const hasProblems = textProblems(text, lang).length > 0;
  const fieldError = current === DEFAULT_LANGUAGE ? error : variantsError;

  const add = (value: string) => {
    const found = languageToAdd(content, value);
    if ('problem' in found) {
      setAddProblem(`${value}: ${t.content.languageProblems[found.problem] ?? found.problem}`);
      return;
    }
    setAddProblem(undefined);
    setChoice('');
    setTyped('');
    onContent(withVariant(content, found.tag, ''));
    onActive(found.tag);
  };

  const moveFocus = (event: KeyboardEvent, index: number) => {
    const next = event.key === 'ArrowRight' ? index + 1 : event.key === 'ArrowLeft' ? index - 1 : undefined;
    if (next === undefined) return;
    event.preventDefault();
    const tag = tabs[(next + tabs.length) % tabs.length] ?? DEFAULT_LANGUAGE;
    onActive(tag);
    document.getElementById(`${idPrefix}tab-${tag}`)?.focus();
  };

  return (
    <fieldset class={`field content-texts${fieldError ? ' field--error' : ''}`} data-testid="variant-tabs">
      <legend>{t.content.texts}</legend>
      <p class="hint" id={`${idPrefix}texts-hint`}>
        {t.content.textsHint}
      </p>
      <div class="tabs" role="tablist" aria-label={t.content.languageCol}>
        {tabs.map((tag, index) => (
          <button
            key={tag}
            type="button"
            role="tab"
            id={`${idPrefix}tab-${tag}`}
            class="tab"
            aria-selected={tag === current}
            aria-controls={`${idPrefix}panel`}
            tabIndex={tag === current ? 0 : -1}
            onClick={() => onActive(tag)}
            onKeyDown={(event) => moveFocus(event, index)}
          >
            {name(tag)}
            {tag !== DEFAULT_LANGUAGE && !content.variants.find((v) => v.language === tag)?.text ? ' *' : ''}
          </button>
        ))}
      </div>
      <div
        class="tab-panel"
        role="tabpanel"
        id={`${idPrefix}panel`}
        aria-labelledby={`${idPrefix}tab-${current}`}
      >
        <div class={`field${fieldError ? ' field--error' : ''}`}>
          <label for={textId}>
            {current === DEFAULT_LANGUAGE ? t.editor.message : t.content.messageIn(name(current))}
          </label>
          <p class="hint" id={`${textId}-hint`}>
            {t.editor.messageHint}
          </p>
          {fieldError ? (
            <p class="field-error" id={`${textId}-error`}>
              {fieldError}
            </p>
          ) : null}
          <textarea
            {...describedBy(textId, {
              hint: true,
              error: fieldError,
              also: hasProblems ? problemsId : undefined,
            })}
            rows={6}
            maxLength={1600}
            readOnly={readOnly}
            lang={current === 'vi-x-khongdau' ? 'vi' : current}
            value={text}
            onInput={(event) => {
              const value = event.currentTarget.value;
              if (current === DEFAULT_LANGUAGE) onMessage(value);
              else onContent(withVariant(content, current, value));
            }}
          />
          <TextProblems id={problemsId} text={text} />
          {current !== DEFAULT_LANGUAGE && !text ? <p class="hint">{t.content.emptyVariant}</p> : null}
          {current !== DEFAULT_LANGUAGE && !readOnly ? (
            <Button
              variant="secondary"
              onClick={() => {
                onContent(withoutVariant(content, current));
                onActive(DEFAULT_LANGUAGE);
              }}
            >
              {t.content.removeVariant(name(current))}
            </Button>
          ) : null}
        </div>
      </div>
      {readOnly ? null : (
        <div class="add-language">
          <p class="hint" id={`${idPrefix}add-language-hint`}>
            {t.content.addLanguageHint}
          </p>
          {addProblem ? (
            <p class="field-error" id={`${idPrefix}add-language-error`} role="alert">
              {addProblem}
            </p>
          ) : null}
          <div class="inline">
            <div class="field">
              <label for={`${idPrefix}language-choice`}>{t.content.chooseLanguage}</label>
              <select
                id={`${idPrefix}language-choice`}
                value={choice}
                aria-describedby={`${idPrefix}add-language-hint`}
                onChange={(event) => setChoice(event.currentTarget.value)}
              >
                <option value="">–</option>
                {addableLanguages(content, lang).map((language) => (
                  <option key={language.tag} value={language.tag}>
                    {language.name} ({language.tag})
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for={`${idPrefix}language-typed`}>{t.content.otherLanguage}</label>
              <input
                id={`${idPrefix}language-typed`}
                type="text"
                maxLength={35}
                value={typed}
                aria-describedby={addProblem ? `${idPrefix}add-language-error` : undefined}
                aria-invalid={addProblem ? true : undefined}
                onInput={(event) => setTyped(event.currentTarget.value)}
                onKeyDown={(event) => {
                  if (event.key === 'Enter') {
                    event.preventDefault();
                    if (typed.trim()) add(typed);
                  }
                }}
              />
            </div>
            <Button
              variant="secondary"
              disabled={!choice && !typed.trim()}
              onClick={() => add(typed.trim() || choice)}
            >
              {t.content.addLanguage}
            </Button>
          </div>
        </div>
      )}
      <section
        class="content-fields"
        aria-labelledby={`${idPrefix}fields-title`}
        data-testid="content-fields"
      >
        <h4 id={`${idPrefix}fields-title`}>{t.content.fields}</h4>
        {fields.length ? (
          <ul>
            {fields.map((field) => (
              <li key={field.key}>
                <code>{field.name}</code> ({field.key}):{' '}
                {field.required ? t.content.fieldRequired : t.content.fieldFallback}
              </li>
            ))}
          </ul>
        ) : (
          <p class="hint">{t.content.noFields}</p>
        )}
        <details class="syntax-help">
          <summary>{t.content.syntaxTitle}</summary>
          <dl>
            {Object.entries(t.content.syntax).map(([code, meaning]) => (
              <div key={code}>
                <dt>
                  <code>{code}</code>
                </dt>
                <dd>{meaning}</dd>
              </div>
            ))}
          </dl>
        </details>
      </section>
    </fieldset>
  );
};

/** The A/B test: 2–4 treatments with their share and text, the holdout, and the sum checked live. */
export const TreatmentsSection = ({
  message,
  content,
  readOnly,
  disabled = readOnly,
  error,
  holdoutError,
  onContent,
}: {
  message: string;
  content: ContentForm;
  readOnly: boolean;
  /** The whole section off (a read-only page); `readOnly` alone only hides the buttons. */
  disabled?: boolean;
  error?: string | undefined;
  holdoutError?: string | undefined;
  onContent: (content: ContentForm) => void;
}) => {
  const { t, number } = useI18n();
  const split = splitState(content);
  const testing = content.treatments.length > 0;
  const problem = split.problem
    ? t.content.splitProblems[split.problem.code]?.(number(split.total))
    : undefined;
  const setPercent = (id: TreatmentId, typed: string) =>
    onContent(withTreatment(content, id, { percent: percentOf(typed) }));
  return (
    <fieldset
      disabled={disabled}
      class={`field treatments${error || holdoutError ? ' field--error' : ''}`}
      data-testid="treatments"
      aria-describedby="treatments-hint"
    >
      <legend>{t.content.test}</legend>
      <p class="hint" id="treatments-hint">
        {t.content.testHint}
      </p>
      {error ? <p class="field-error">{error}</p> : null}
      {testing ? (
        <ol class="treatment-list">
          {content.treatments.map((treatment) => {
            const id = `treatment-${treatment.id}`;
            return (
              <li key={treatment.id} class="treatment" data-testid={id}>
                <h4>{t.content.treatment(treatment.id)}</h4>
                <div class="field">
                  <label for={`${id}-percent`}>{t.content.percentOf(treatment.id)}</label>
                  <input
                    id={`${id}-percent`}
                    class="percent"
                    type="text"
                    inputMode="numeric"
                    maxLength={3}
                    value={Number.isFinite(treatment.percent) ? String(treatment.percent) : ''}
                    aria-describedby="split-total"
                    onInput={(event) => setPercent(treatment.id, event.currentTarget.value)}
                  />
                </div>
                <div class="radios">
                  <label class="radio">
                    <input
                      type="radio"
                      name={`${id}-text`}
                      checked={!treatment.own}
                      onChange={() => onContent(withTreatment(content, treatment.id, { own: false }))}
                    />
                    {t.content.sameText}
                  </label>
                  <label class="radio">
                    <input
                      type="radio"
                      name={`${id}-text`}
                      checked={treatment.own}
                      onChange={() =>
                        onContent(
                          withTreatment(content, treatment.id, {
                            own: true,
                            message: treatment.message || message,
                          }),
                        )
                      }
                    />
                    {t.content.ownText}
                  </label>
                </div>
                {treatment.own ? (
                  <div class="field">
                    <label for={`${id}-message`}>{t.content.treatmentMessage(treatment.id)}</label>
                    <textarea
                      id={`${id}-message`}
                      rows={4}
                      maxLength={1600}
                      value={treatment.message}
                      aria-describedby={
                        textProblems(treatment.message, 'vi').length ? `${id}-problems` : undefined
                      }
                      onInput={(event) =>
                        onContent(
                          withTreatment(content, treatment.id, { message: event.currentTarget.value }),
                        )
                      }
                    />
                    <TextProblems id={`${id}-problems`} text={treatment.message} />
                  </div>
                ) : null}
                {!readOnly && content.treatments.length > MIN_TREATMENTS ? (
                  <Button
                    variant="secondary"
                    onClick={() => onContent(removeTreatment(content, treatment.id))}
                  >
                    {t.content.removeTreatment(treatment.id)}
                  </Button>
                ) : null}
              </li>
            );
          })}
        </ol>
      ) : null}
      <div class={`field${holdoutError ? ' field--error' : ''}`}>
        <label for="holdout-percent">{t.content.holdout}</label>
        <p class="hint" id="holdout-percent-hint">
          {t.content.holdoutHint}
        </p>
        {holdoutError ? (
          <p class="field-error" id="holdout-percent-error">
            {holdoutError}
          </p>
        ) : null}
        <input
          {...describedBy('holdout-percent', { hint: true, error: holdoutError, also: 'split-total' })}
          class="percent"
          type="text"
          inputMode="numeric"
          maxLength={3}
          value={Number.isFinite(content.holdoutPercent) ? String(content.holdoutPercent) : ''}
          onInput={(event) =>
            onContent({ ...content, holdoutPercent: percentOf(event.currentTarget.value || '0') })
          }
        />
      </div>
      <p
        id="split-total"
        class={problem ? 'field-error' : 'hint'}
        aria-live="polite"
        data-testid="split-total"
      >
        {testing ? `${t.content.total(number(split.total))} ` : ''}
        {problem ??
          (testing
            ? t.content.totalOk
            : content.holdoutPercent > 0
              ? t.content.holdoutOnly(number(content.holdoutPercent))
              : '')}
      </p>
      {readOnly ? null : (
        <div class="buttons">
          {testing ? (
            <>
              {content.treatments.length < MAX_TREATMENTS ? (
                <Button variant="secondary" onClick={() => onContent(addTreatment(content, message))}>
                  {t.content.addTreatment}
                </Button>
              ) : null}
              <Button variant="secondary" onClick={() => onContent(stopTest(content))}>
                {t.content.stopTest}
              </Button>
            </>
          ) : (
            <Button variant="secondary" onClick={() => onContent(startTest(content, message))}>
              {t.content.startTest}
            </Button>
          )}
        </div>
      )}
    </fieldset>
  );
};
