import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb, type WebBuild } from '../../web/build.js';

/** The console's build: deterministic, so its size is a fact a test can hold it to. */
const outDir = mkdtempSync(join(tmpdir(), 'console-build-'));
let built: WebBuild;
beforeAll(async () => {
  built = await buildWeb({ outDir });
}, 60_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('npm run build:web', () => {
  it('keeps the first page’s JavaScript within 100 KB gzipped', () => {
    expect(built.firstPageJsGzipBytes).toBeGreaterThan(1000);
    expect(built.firstPageJsGzipBytes).toBeLessThanOrEqual(100 * 1024);
  });

  it.each([
    {
      what: 'the phone normaliser’s numbering data',
      user: 'the pages that use it',
      marker: 'isPossible',
      survives:
        "the core normaliser calls libphonenumber-js's isPossible(): a method name, kept by the minifier",
    },
    {
      what: 'oidc-client-ts (Cognito sign-in)',
      user: 'the sign-in that uses it',
      marker: 'No silent_redirect_uri configured',
      survives: "an error message of oidc-client-ts's own: strings survive minification",
    },
    {
      what: 'the province registry',
      user: 'the editor, the review and the import',
      marker: 'Ho Chi Minh City',
      survives:
        'an ASCII alias of the registry (functions/core/provinces.ts): the minifier keeps string literals',
    },
  ])('leaves $what out of the first page, for $user', ({ marker }) => {
    const scripts = readdirSync(join(outDir, 'assets')).filter((file) => file.endsWith('.js'));
    const later = scripts.filter((file) => !built.firstPage.includes(`assets/${file}`));
    expect(later.length).toBeGreaterThan(0);
    const firstPage = built.firstPage.map((file) => readFileSync(join(outDir, file), 'utf8')).join('');
    const lazy = later.map((file) => readFileSync(join(outDir, 'assets', file), 'utf8')).join('');
    expect(lazy).toContain(marker);
    expect(firstPage).not.toContain(marker);
  });

  it('loads uPlot and its stylesheet in a lazy chunk of their own, not in the first page', () => {
    const scripts = readdirSync(join(outDir, 'assets')).filter((file) => file.endsWith('.js'));
    const read = (file: string) => readFileSync(join(outDir, 'assets', file), 'utf8');
    const firstPage = built.firstPage.map((file) => readFileSync(join(outDir, file), 'utf8')).join('');
    // uPlot's class names survive minifying: its legend's, and its stylesheet's text.
    const chart = scripts.filter((file) => read(file).includes('u-legend'));
    expect(chart).toHaveLength(1);
    expect(built.firstPage).not.toContain(`assets/${chart[0]}`);
    expect(read(chart[0] ?? '')).toContain('.uplot {');
    expect(firstPage).not.toContain('u-legend');
  });

  it('names assets by their content hash and links them from index.html, from our own origin only', () => {
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    expect(built.firstPage.length).toBeGreaterThanOrEqual(2);
    for (const file of built.firstPage) {
      expect(file).toMatch(/^assets\/[\w-]+-[A-Z0-9]{8}\.(js|css)$/);
      expect(existsSync(join(outDir, file))).toBe(true);
    }
    expect(html).toContain('<html lang="vi">');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('writes config.json with the API base URL and the sign-in mode', async () => {
    expect(JSON.parse(readFileSync(join(outDir, 'config.json'), 'utf8'))).toEqual({
      apiBaseUrl: '',
      signIn: 'local',
    });
    const other = mkdtempSync(join(tmpdir(), 'console-build-'));
    await buildWeb({
      outDir: other,
      config: { apiBaseUrl: 'https://api.example.gov.vn', signIn: 'cognito' },
    });
    expect(JSON.parse(readFileSync(join(other, 'config.json'), 'utf8'))).toEqual({
      apiBaseUrl: 'https://api.example.gov.vn',
      signIn: 'cognito',
    });
    rmSync(other, { recursive: true, force: true });
  }, 60_000);
});
