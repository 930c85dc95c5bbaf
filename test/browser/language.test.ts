/// <reference lib="dom" />
// page.evaluate's callbacks run in the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en.js';
import { vi, type Catalogue } from '../../web/src/i18n/vi.js';
import { openConsole, type ConsoleRun } from './harness.js';
import { seedAudience, seedSubmittedCampaign } from './seed.js';

/**
 * The English switch on every page of the console (web/src/app.tsx's ROUTES). SEED (through the API, as the
 * pages' own parts are tested elsewhere): an audience and a campaign submitted for approval, so the pages
 * of one audience, one campaign and its review have something to show. UI (everything asserted): on each
 * page, the switch turns the heading, `<html lang>` and every word of the catalogue to English, English is
 * remembered after a reload and in a new tab, and the switch turns it back; axe on each page in English.
 */
let run: ConsoleRun;
const suffix = Date.now().toString(36);
const admin = { role: 'admin', user: `lang.${suffix}@local` } as const;
const officer = { role: 'officer', user: `lang-officer.${suffix}@local` } as const;
/** ASCII names: any Vietnamese left on a page in English is then the console's own. */
const audienceName = `Lang audience ${suffix}`;
const campaignName = `Lang campaign ${suffix}`;
const seeded = { audienceId: '', campaignId: '' };
type Seeded = typeof seeded;
const thisYear = Number(new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 4));

interface PageCase {
  /** Screenshot name: `lang-<name>-en-desktop.png`. */
  name: string;
  path: (data: Seeded) => string;
  heading: (t: Catalogue) => string;
}

/**
 * Every page but the sign-in page (visited signed out, below). A page another part adds is one more line:
 * e.g. `{ name: 'metrics', path: (d) => `/campaigns/${d.campaignId}/metrics`, heading: (t) => t.metrics.title }`.
 */
const PAGES: PageCase[] = [
  { name: 'campaigns', path: () => '/campaigns', heading: (t) => t.campaigns.title },
  { name: 'new-campaign', path: () => '/campaigns/new', heading: (t) => t.editor.newTitle },
  {
    name: 'campaign',
    path: (d) => `/campaigns/${d.campaignId}`,
    heading: (t) => `${t.editor.viewTitle}: ${campaignName}`,
  },
  { name: 'audiences', path: () => '/audiences', heading: (t) => t.audiences.title },
  { name: 'new-audience', path: () => '/audiences/new', heading: (t) => t.audiences.newTitle },
  { name: 'audience', path: (d) => `/audiences/${d.audienceId}`, heading: () => audienceName },
  { name: 'opt-outs', path: () => '/opt-outs', heading: (t) => t.optOuts.title },
  { name: 'approvals', path: () => '/approvals', heading: (t) => t.approvals.title },
  { name: 'review', path: (d) => `/approvals/${d.campaignId}`, heading: (t) => t.review.title(campaignName) },
  { name: 'calendar', path: () => '/calendar', heading: (t) => t.calendar.title(thisYear) },
  {
    name: 'metrics',
    path: (d) => `/campaigns/${d.campaignId}/metrics`,
    heading: (t) => t.metrics.title(campaignName),
  },
  {
    name: 'messages',
    path: (d) => `/campaigns/${d.campaignId}/messages`,
    heading: (t) => t.campaignMessages.title(campaignName),
  },
  { name: 'summary', path: () => '/metrics', heading: (t) => t.summary.title },
  { name: 'partners', path: () => '/partners', heading: (t) => t.admin.partners.title },
  { name: 'new-partner', path: () => '/partners/new', heading: (t) => t.admin.partners.newTitle },
  {
    name: 'partner',
    path: () => '/partners/sim-other',
    heading: (t) => t.admin.partners.editTitle('Simulated other networks (Vietnamobile, Gmobile, ...)'),
  },
  { name: 'settings', path: () => '/settings', heading: (t) => t.admin.settings.title },
  { name: 'audit', path: () => '/audit', heading: (t) => t.admin.audit.title },
  { name: 'not-found', path: () => '/no-such-page', heading: (t) => t.common.notFound },
];

type Leaf = string | ((...args: never[]) => string) | { [key: string]: Leaf };
const MARK = '\u0001';
/** A catalogue's strings, and the fixed text between the arguments of its sentences. */
const words = (node: Leaf): { strings: string[]; fragments: string[] } => {
  if (typeof node === 'string') return { strings: [node.trim()], fragments: [] };
  if (typeof node === 'function') {
    const sentence = (node as (...args: string[]) => string)(
      ...Array.from({ length: node.length }, () => MARK),
    );
    return { strings: [], fragments: sentence.split(MARK).map((part) => part.trim()) };
  }
  const all = Object.values(node).map(words);
  return { strings: all.flatMap((w) => w.strings), fragments: all.flatMap((w) => w.fragments) };
};
const english = words(en as Leaf);
const englishWords = new Set([...english.strings, ...english.fragments]);
const vietnamese = words(vi as Leaf);
const vietnameseOnly = (w: string) => /[^ -~]/.test(w) && !englishWords.has(w) && w !== vi.language.vi;
/** Shown whole (a label, a button), so matched whole: data that merely contains one, e.g. a name, is not it. */
const VI_STRINGS = new Set(vietnamese.strings.filter(vietnameseOnly));
/** Sentences' fixed parts, found inside the text; short ones (`: `, `(`) say nothing. */
const VI_FRAGMENTS = vietnamese.fragments.filter((w) => w.length >= 6 && vietnameseOnly(w));

/** The catalogue's Vietnamese words left on the page: in its visible text, labels and placeholders. */
const vietnameseLeft = async (): Promise<string[]> => {
  const shown = await run.page.evaluate(() => {
    const texts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (parent && parent.checkVisibility() && node.textContent?.trim()) texts.push(node.textContent.trim());
    }
    for (const element of Array.from(document.querySelectorAll('[aria-label], [placeholder], [title]')))
      for (const name of ['aria-label', 'placeholder', 'title']) {
        const value = element.getAttribute(name)?.trim();
        if (value) texts.push(value);
      }
    for (const option of Array.from(document.querySelectorAll('option')))
      if (option.parentElement?.checkVisibility() && option.textContent?.trim())
        texts.push(option.textContent.trim());
    texts.push(document.title);
    return texts;
  });
  // A name in “quotes” is a column header as files hold it (“Số điện thoại”), the same in both languages.
  const unquoted = (text: string) => text.replace(/“[^”]*”/g, '“”');
  return [...new Set(shown)].filter(
    (text) => VI_STRINGS.has(text) || VI_FRAGMENTS.some((fragment) => unquoted(text).includes(fragment)),
  );
};

const htmlLang = () => run.page.evaluate(() => document.documentElement.lang);
const heading = (text: string) => run.page.getByRole('heading', { name: text, exact: true, level: 1 });

/** The page is shown in `t`'s language, once what it loads has arrived. */
const shownIn = async (t: Catalogue, text: string) => {
  await heading(text).waitFor();
  await expect.poll(htmlLang).toBe(t === en ? 'en' : 'vi');
  await expect.poll(() => run.page.getByText(t.common.loading).count()).toBe(0);
};

beforeAll(async () => {
  run = await openConsole('language');
  await run.page.goto(`${run.url}/sign-in`);
  seeded.audienceId = await seedAudience(officer, audienceName, [
    { phone: '0987000555', province: 'Bắc Kạn' },
  ]);
  seeded.campaignId = await seedSubmittedCampaign(officer, {
    name: campaignName,
    message: 'Canh giac voi loi moi viec nhe luong cao. Goi 111.',
    audienceIds: [seeded.audienceId],
    schedule: { sendAt: '2099-07-30T08:00:00+07:00' },
    sendingWindow: { start: '07:00', end: '22:00' },
  });
});
afterAll(() => run?.stop());

/** Switch, check, reload, check, switch back: one page, both ways. */
const switchesToEnglish = async (name: string, headingOf: (t: Catalogue) => string) => {
  const { page } = run;
  await shownIn(vi, headingOf(vi));
  // The same look-up finds the catalogue's Vietnamese while the page speaks it.
  expect(await vietnameseLeft()).not.toEqual([]);
  await page.getByLabel(vi.language.label, { exact: true }).selectOption('en');
  await shownIn(en, headingOf(en));
  await expect.poll(vietnameseLeft).toEqual([]);
  expect(await run.check(`lang-${name}-en`)).toEqual([]);

  await page.reload();
  await shownIn(en, headingOf(en));
  expect(await page.getByLabel(en.language.label, { exact: true }).inputValue()).toBe('en');
  await expect.poll(vietnameseLeft).toEqual([]);

  await page.getByLabel(en.language.label, { exact: true }).selectOption('vi');
  await shownIn(vi, headingOf(vi));
};

describe('the English switch', () => {
  it('turns the sign-in page to English and remembers it in a new tab', async () => {
    const { page, context } = run;
    await switchesToEnglish('sign-in', (t) => t.signIn.title);
    await page.getByLabel(vi.language.label, { exact: true }).selectOption('en');
    await shownIn(en, en.signIn.title);
    const tab = await context.newPage();
    await tab.goto(`${run.url}/sign-in`);
    await tab.getByRole('heading', { name: en.signIn.title, level: 1 }).waitFor();
    expect(await tab.evaluate(() => document.documentElement.lang)).toBe('en');
    await tab.close();
    await page.getByLabel(en.language.label, { exact: true }).selectOption('vi');
    await shownIn(vi, vi.signIn.title);

    await page.getByLabel(vi.roles.admin).check();
    await page.getByLabel(vi.signIn.user).fill(admin.user);
    await page.getByRole('button', { name: vi.signIn.submit }).click();
    await heading(vi.campaigns.title).waitFor();
  });

  it.each(PAGES)('turns the $name page to English and back', async ({ name, path, heading: headingOf }) => {
    // Each page starts in Vietnamese, whatever the page before it left behind.
    await run.page.evaluate(() => localStorage.removeItem('console.lang'));
    await run.page.goto(`${run.url}${path(seeded)}`);
    await switchesToEnglish(name, headingOf);
  });

  it('left no error on any page', () => {
    expect(run.pageErrors).toEqual([]);
  });
});
