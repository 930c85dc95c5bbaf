import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/index.js';
import {
  TAG_MODES,
  addChips,
  formerNamesOf,
  membersByProvince,
  searchProvinces,
  unitNamed,
  type TagMode,
  type Targeting,
} from '../targeting.js';
import { Button, Field, describedBy } from './form.js';

/** Chosen items as a list, each with its own remove button (named, for screen readers). */
const Chips = ({
  label,
  items,
  onRemove,
}: {
  label: string;
  items: string[];
  onRemove: (item: string) => void;
}) => {
  const { t } = useI18n();
  if (!items.length) return null;
  return (
    <ul class="chips" aria-label={label}>
      {items.map((item) => (
        <li key={item} class="chip">
          <span>{item}</span>
          <button
            type="button"
            class="chip__remove"
            aria-label={t.targeting.remove(item)}
            onClick={() => onRemove(item)}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
};

/**
 * Free text turned into chips: Enter, the add button or leaving the field adds what was typed (split at
 * commas), so nothing typed is lost when the officer saves straight away.
 */
const ChipInput = ({
  id,
  label,
  hint,
  items,
  onChange,
}: {
  id: string;
  label: string;
  hint?: string;
  items: string[];
  onChange: (items: string[]) => void;
}) => {
  const { t } = useI18n();
  const [typed, setTyped] = useState('');
  const add = () => {
    if (!typed.trim()) return;
    onChange(addChips(items, typed));
    setTyped('');
  };
  return (
    <Field id={id} label={label} hint={hint}>
      <Chips label={label} items={items} onRemove={(item) => onChange(items.filter((i) => i !== item))} />
      <div class="chip-input">
        <input
          {...describedBy(id, { hint: Boolean(hint) })}
          type="text"
          maxLength={200}
          value={typed}
          onInput={(event) => setTyped(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key !== 'Enter') return;
            event.preventDefault();
            add();
          }}
          onBlur={add}
        />
        <Button variant="secondary" aria-label={t.targeting.addTo(label)} onClick={add}>
          {t.targeting.add}
        </Button>
      </div>
    </Field>
  );
};

const TAG_IDS: Record<TagMode, string> = { any: 'tags-any', all: 'tags-all', none: 'tags-none' };

/**
 * Whom a campaign reaches within its audiences: provinces (the 34 units since 1 July 2025, found by any
 * spelling, former names included), communes within them, and groups (tags) any / all / none.
 */
export const TargetingFields = ({
  targeting,
  onChange,
  audiences,
  audienceIds,
  error,
}: {
  targeting: Targeting;
  onChange: (targeting: Targeting) => void;
  audiences: readonly { id: string; byProvince: Record<string, number> }[];
  audienceIds: readonly string[];
  error?: string | undefined;
}) => {
  const { t, number } = useI18n();
  const [query, setQuery] = useState('');
  const found = searchProvinces(query);
  const members = membersByProvince(audiences, audienceIds);
  const chosen = targeting.provinces;
  const setProvinces = (provinces: string[]) =>
    onChange({ ...targeting, provinces, communes: provinces.length ? targeting.communes : [] });
  // A name chosen before that no unit has (an old campaign) stays visible, to be removed.
  const unknownChosen = chosen.filter((name) => !unitNamed(name));

  return (
    <fieldset class={`field targeting${error ? ' field--error' : ''}`} aria-describedby="targeting-hint">
      <legend>{t.targeting.title}</legend>
      <p class="hint" id="targeting-hint">
        {t.targeting.hint}
      </p>
      {error ? <p class="field-error">{error}</p> : null}

      <fieldset class="field" aria-describedby="province-search-hint">
        <legend>{t.targeting.provinces}</legend>
        <Chips
          label={t.targeting.chosenProvinces}
          items={chosen}
          onRemove={(name) => setProvinces(chosen.filter((n) => n !== name))}
        />
        <div class="field">
          <label for="province-search">{t.targeting.search}</label>
          <p class="hint" id="province-search-hint">
            {t.targeting.searchHint}
          </p>
          <input
            id="province-search"
            type="search"
            aria-describedby="province-search-hint"
            aria-controls="province-list"
            value={query}
            onInput={(event) => setQuery(event.currentTarget.value)}
          />
        </div>
        <p class="visually-hidden" role="status">
          {t.targeting.found(number(found.length))}
        </p>
        {found.length ? (
          <div class="checks checks--columns" id="province-list">
            {found.map((unit) => {
              const former = formerNamesOf(unit);
              const count = members.get(unit.name);
              return (
                <label key={unit.code} class="check">
                  <input
                    type="checkbox"
                    checked={chosen.includes(unit.name)}
                    onChange={(event) =>
                      setProvinces(
                        event.currentTarget.checked
                          ? [...chosen, unit.name]
                          : chosen.filter((name) => name !== unit.name),
                      )
                    }
                  />
                  <span>
                    {unit.name}
                    {former.length ? (
                      <span class="former"> {t.targeting.formerNames(former.join(', '))}</span>
                    ) : null}
                    {count ? ` (${number(count)})` : ''}
                  </span>
                </label>
              );
            })}
          </div>
        ) : (
          <p id="province-list">{t.targeting.noneFound(query)}</p>
        )}
        {unknownChosen.length ? (
          <p class="hint">{t.targeting.unknownChosen(unknownChosen.join(', '))}</p>
        ) : null}
      </fieldset>

      {chosen.length ? (
        <ChipInput
          id="communes"
          label={t.targeting.communes}
          hint={t.targeting.communesHint}
          items={targeting.communes}
          onChange={(communes) => onChange({ ...targeting, communes })}
        />
      ) : null}

      <fieldset class="field" aria-describedby="tags-hint">
        <legend>{t.targeting.tags}</legend>
        <p class="hint" id="tags-hint">
          {t.targeting.tagsHint}
        </p>
        {TAG_MODES.map((mode) => (
          <ChipInput
            key={mode}
            id={TAG_IDS[mode]}
            label={t.targeting.tagModeLabels[mode]}
            items={targeting.tags[mode]}
            onChange={(tags) => onChange({ ...targeting, tags: { ...targeting.tags, [mode]: tags } })}
          />
        ))}
      </fieldset>
    </fieldset>
  );
};
