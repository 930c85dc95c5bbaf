import { useEffect, useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { unwrap, type Api, type Campaign } from '../api/client.js';
import { useApp, useSession } from '../app-context.js';
import {
  SCHEDULED_STATUSES,
  campaignsByDay,
  dayName,
  isPeriod,
  monthName,
  monthWeeks,
  moveWithinYear,
  occasionsOn,
  startTimeOn,
  todayIn,
  weekdayNames,
  type CalendarOccasion,
} from '../calendar-view.js';
import { ErrorSummary, formErrors } from '../components/form.js';
import { PageTitle } from '../components/page-title.js';
import { useI18n } from '../i18n/index.js';
import { mayEdit } from '../nav.js';
import { Link, useLocation } from '../router.js';

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);
const FIRST_YEAR = 2020;
const LAST_YEAR = 2100;

/** Every campaign of the statuses that have a moment on the calendar, all pages of each. */
const scheduledCampaigns = async (api: Api): Promise<Campaign[]> => {
  const all: Campaign[] = [];
  for (const status of SCHEDULED_STATUSES) {
    let cursor: string | undefined;
    do {
      const page = await unwrap(
        api.GET('/v1/campaigns', {
          params: { query: { status, limit: 500, ...(cursor ? { cursor } : {}) } },
        }),
      );
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return all;
};

const KEY_MOVES: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };

/**
 * A year at a glance: 30/7 and the 1/7–30/9 peak period, today, and the scheduled campaigns on their days
 * (Vietnam time). One day at a time is in the tab order; the arrow keys move between days, Enter opens one:
 * its occasions, its campaigns and, for those who may create, a new campaign sent that day.
 */
export const CalendarPage = () => {
  const { t, lang, time } = useI18n();
  const { api } = useApp();
  const session = useSession();
  const { query } = useLocation();
  const [now] = useState(() => new Date());
  const today = todayIn(now);
  const asked = Number(query.get('year'));
  const year =
    Number.isInteger(asked) && asked >= FIRST_YEAR && asked <= LAST_YEAR ? asked : Number(today.slice(0, 4));
  const [occasions, setOccasions] = useState<CalendarOccasion[]>([]);
  const [byDay, setByDay] = useState<Map<string, Campaign[]>>();
  const [error, setError] = useState<unknown>();
  const [focused, setFocused] = useState(() => (today.startsWith(String(year)) ? today : `${year}-01-01`));
  const [opened, setOpened] = useState<string>();
  const keyboardMove = useRef(false);
  const grid = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void unwrap(api.GET('/v1/calendar', { params: { query: { year } } }))
      .then((calendar) => setOccasions(calendar.occasions))
      .catch(setError);
    void scheduledCampaigns(api)
      .then((campaigns) => setByDay(campaignsByDay(campaigns)))
      .catch(setError);
  }, [year]);

  useEffect(() => {
    if (!keyboardMove.current) return;
    keyboardMove.current = false;
    grid.current?.querySelector<HTMLButtonElement>(`button[data-date="${focused}"]`)?.focus();
  }, [focused]);

  const weekdays = weekdayNames(lang);
  const occasionName = (o: CalendarOccasion) => t.calendar.occasion[o.id] ?? o.name;
  const dayLabel = (date: string, count: number) =>
    [
      dayName(date, lang),
      ...occasionsOn(date, occasions)
        .sort((a, b) => Number(isPeriod(a)) - Number(isPeriod(b)))
        .map(occasionName),
      ...(count > 0 ? [t.calendar.campaignCount(count)] : []),
      ...(date === today ? [t.calendar.today] : []),
    ].join(', ');

  const onKeyDown = (event: JSX.TargetedKeyboardEvent<HTMLButtonElement>, date: string) => {
    const move = KEY_MOVES[event.key];
    if (move === undefined) return;
    event.preventDefault();
    keyboardMove.current = true;
    setFocused(moveWithinYear(date, move, year));
  };

  const dayPanel = (date: string) => {
    const campaigns = byDay?.get(date) ?? [];
    const startTime = startTimeOn(date, now);
    const title = t.calendar.dayTitle(dayName(date, lang));
    return (
      <section class="calendar__panel" aria-labelledby="calendar-day-title" data-testid="calendar-day">
        <div class="calendar__panel-head">
          <h3 id="calendar-day-title">{title}</h3>
          <button type="button" class="button button--secondary" onClick={() => setOpened(undefined)}>
            {t.calendar.closeDay}
          </button>
        </div>
        {occasionsOn(date, occasions).length ? (
          <ul class="calendar__occasions">
            {occasionsOn(date, occasions).map((o) => (
              <li key={o.id} class={`calendar__occasion calendar__occasion--${o.id}`}>
                {occasionName(o)}
              </li>
            ))}
          </ul>
        ) : null}
        {campaigns.length ? (
          <ul class="calendar__campaigns">
            {campaigns.map((c) => (
              <li key={c.id}>
                {time(c.sendAt, c.timeZone)} <Link href={`/campaigns/${c.id}`}>{c.name}</Link>{' '}
                <span class={`status status--${c.status}`}>{t.status[c.status]}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t.calendar.noCampaigns}</p>
        )}
        {!mayEdit(session.role) ? null : startTime ? (
          <Link class="button button--primary" href={`/campaigns/new?startDate=${date}`}>
            {t.calendar.startLabel(dayName(date, lang))}
          </Link>
        ) : date < today ? (
          <p class="hint">{t.calendar.pastDay}</p>
        ) : null}
      </section>
    );
  };

  const month = (m: number) => {
    const name = monthName(year, m, lang);
    const monthPrefix = `${year}-${String(m).padStart(2, '0')}-`;
    const inMonth = [...(byDay ?? [])].filter(([date]) => date.startsWith(monthPrefix));
    return (
      <section key={m} class="calendar__month" aria-labelledby={`month-${m}`}>
        <h2 id={`month-${m}`}>{name}</h2>
        <table class="calendar__table">
          <caption class="visually-hidden">
            {name} {year}
          </caption>
          <thead>
            <tr>
              {weekdays.map((d) => (
                <th key={d.long} scope="col">
                  <span aria-hidden="true">{d.short}</span>
                  <span class="visually-hidden">{d.long}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {monthWeeks(year, m).map((week, w) => (
              <tr key={w}>
                {week.map((date, d) => {
                  if (!date) return <td key={d} class="calendar__blank" />;
                  const count = byDay?.get(date)?.length ?? 0;
                  const on = occasionsOn(date, occasions);
                  const classes = [
                    'calendar__cell',
                    on.some(isPeriod) ? 'calendar__cell--peak' : '',
                    on.some((o) => !isPeriod(o)) ? 'calendar__cell--day' : '',
                    date === today ? 'calendar__cell--today' : '',
                    date < today ? 'calendar__cell--past' : '',
                  ].join(' ');
                  return (
                    <td key={date} class={classes}>
                      <button
                        type="button"
                        class="calendar__day"
                        data-date={date}
                        tabIndex={date === focused ? 0 : -1}
                        aria-expanded={opened === date}
                        aria-current={date === today ? 'date' : undefined}
                        onClick={() => {
                          setFocused(date);
                          setOpened(opened === date ? undefined : date);
                        }}
                        onKeyDown={(event) => onKeyDown(event, date)}
                      >
                        <span class="visually-hidden">{dayLabel(date, count)}</span>
                        <span aria-hidden="true">{Number(date.slice(8))}</span>
                        {count ? (
                          <span class="calendar__count" aria-hidden="true">
                            {count}
                          </span>
                        ) : null}
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
        {opened?.startsWith(monthPrefix) ? dayPanel(opened) : null}
        {inMonth.length ? (
          <>
            <h3 class="visually-hidden">{t.calendar.monthCampaigns(name.toLocaleLowerCase())}</h3>
            <ul class="calendar__month-campaigns">
              {inMonth.flatMap(([date, campaigns]) =>
                campaigns.map((c) => (
                  <li key={c.id}>
                    <span class="calendar__when">
                      {Number(date.slice(8))}/{m} {time(c.sendAt, c.timeZone)}
                    </span>{' '}
                    <Link href={`/campaigns/${c.id}`}>{c.name}</Link>
                  </li>
                )),
              )}
            </ul>
          </>
        ) : null}
      </section>
    );
  };

  const { general } = formErrors(error, [], t);
  return (
    <section class="calendar">
      <div class="page-head">
        <PageTitle text={t.calendar.title(year)} />
        <nav class="calendar__years" aria-label={t.calendar.yearNav}>
          {year > FIRST_YEAR ? (
            <Link class="button button--secondary" href={`/calendar?year=${year - 1}`}>
              ← {t.calendar.previousYear(year - 1)}
            </Link>
          ) : null}
          {year < LAST_YEAR ? (
            <Link class="button button--secondary" href={`/calendar?year=${year + 1}`}>
              {t.calendar.nextYear(year + 1)} →
            </Link>
          ) : null}
        </nav>
      </div>
      <p>{t.calendar.intro}</p>
      <ErrorSummary messages={general} />
      <ul class="calendar__legend" aria-label={t.calendar.legend}>
        <li>
          <span class="calendar__swatch calendar__swatch--peak" aria-hidden="true" />
          {t.calendar.peak}
        </li>
        <li>
          <span class="calendar__swatch calendar__swatch--day" aria-hidden="true" />
          {t.calendar.antiTraffickingDay}
        </li>
        <li>
          <span class="calendar__swatch calendar__swatch--today" aria-hidden="true" />
          {t.calendar.today}
        </li>
        <li>
          <span class="calendar__count" aria-hidden="true">
            1
          </span>
          {t.calendar.hasCampaigns}
        </li>
      </ul>
      <p class="hint">{byDay ? t.calendar.keyboardHint : t.calendar.loadingCampaigns}</p>
      <div class="calendar__months" ref={grid}>
        {MONTHS.map(month)}
      </div>
    </section>
  );
};
