import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { z } from 'zod';

/**
 * The console in a real browser: Debian's Chromium driven by playwright-core, with a fresh profile, against
 * the local runtime that global-setup.ts started. Every page a test visits goes through
 * `check`: axe-core finds no serious or critical violation, and screenshots at desktop and phone width
 * land in test/artifacts/.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const ARTIFACTS = resolve(import.meta.dirname, '../artifacts');
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 375, height: 812 };

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const Violations = z.array(
  z.object({ id: z.string(), impact: z.string().nullable(), help: z.string(), nodes: z.array(z.string()) }),
);
export type Violations = z.infer<typeof Violations>;

export interface ConsoleRun {
  url: string;
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and console errors of the pages so far. */
  pageErrors: string[];
  /** axe on the page as it is now (both widths), then its screenshots; returns the serious violations. */
  check(name: string): Promise<Violations>;
  stop(): Promise<void>;
}

/** axe-core's serious and critical violations on the page as it is now. */
export const axeViolations = async (page: Page): Promise<Violations> => {
  // Evaluated over the DevTools protocol, so the console's Content-Security-Policy does not apply.
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource);
  const found = await page.evaluate(`axe
    .run(document, { resultTypes: ['violations'] })
    .then((result) => result.violations.map((v) => ({
      id: v.id, impact: v.impact ?? null, help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    })))`);
  return Violations.parse(found).filter((v) => v.impact === 'serious' || v.impact === 'critical');
};

export const openConsole = async (name: string): Promise<ConsoleRun> => {
  const userDataDir = mkdtempSync(join(tmpdir(), `console-${name}-chromium-`));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: DESKTOP,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  mkdirSync(ARTIFACTS, { recursive: true });

  const check = async (pageName: string) => {
    const violations = await axeViolations(page);
    await page.screenshot({ path: join(ARTIFACTS, `${pageName}-desktop.png`), fullPage: true });
    await page.setViewportSize(PHONE);
    violations.push(...(await axeViolations(page)));
    await page.screenshot({ path: join(ARTIFACTS, `${pageName}-phone.png`), fullPage: true });
    await page.setViewportSize(DESKTOP);
    return violations;
  };

  return {
    url: inject('consoleUrl'),
    context,
    page,
    pageErrors,
    check,
    stop: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
};

/**
 * Holds every request to `pattern` until `release()` (each then goes on to the API), counting them: to
 * press a button again while its first request is still in flight and see it sent once.
 */
export const holdRequests = async (page: Page, pattern: string) => {
  let sent = 0;
  let release = () => {};
  const held = new Promise<void>((done) => (release = done));
  await page.route(pattern, async (route) => {
    sent++;
    await held;
    await route.continue();
  });
  return { sent: () => sent, release, stop: () => page.unroute(pattern) };
};

/**
 * Opens a page from the main navigation by the link's label and waits for the page's heading (its h1):
 * the label itself unless `heading` says otherwise.
 */
export const navigateTo = async (page: Page, label: string, heading = label): Promise<void> => {
  await page
    .getByRole('navigation', { name: 'Điều hướng chính' })
    .getByRole('link', { name: label, exact: true })
    .click();
  await page.getByRole('heading', { name: heading, level: 1, exact: true }).waitFor();
};
