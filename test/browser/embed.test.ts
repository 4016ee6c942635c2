/**
 * Embedding from another origin, in Chromium: a course page on one localhost port loads the embed
 * script from the Lectern server on another port and shows two sections of one lesson with
 * <lectern-lesson>; they share one runtime (the slider in one drives the output in the other).
 * The iframe embed (embed.html) shows a section without site chrome and its frame grows to fit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startDevServer, type RunningServer } from './harness.ts';
import { startPageServer } from './static-server.ts';

let lectern: RunningServer;
let site: RunningServer | undefined;
let browser: Browser;

beforeAll(async () => {
  [lectern, browser] = await Promise.all([startDevServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await lectern?.close();
});

const FIXTURE = '/test/fixtures/embed/two-sections.md';

async function openSite(body: string): Promise<{ page: Page; errors: string[] }> {
  await site?.close();
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A course site</title>
<link rel="stylesheet" href="${lectern.url}/src/embed/lectern.css">
<script type="module" src="${lectern.url}/src/embed/lectern.ts"></script></head>
<body><main><h1>A course site</h1>${body}</main></body></html>`;
  site = await startPageServer(html);
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(site.url);
  return { page, errors };
}

describe('embedding on another origin', () => {
  it('shows sections of one lesson live, sharing one runtime', async () => {
    const { page, errors } = await openSite(`
      <lectern-lesson id="setup" src="${lectern.url}${FIXTURE}" section="setup"></lectern-lesson>
      <p>Some text of the course site between the two.</p>
      <lectern-lesson id="result" src="${lectern.url}${FIXTURE}" section="result"></lectern-lesson>`);
    expect(new URL(page.url()).origin).not.toBe(new URL(lectern.url).origin);
    await page.waitForSelector('lectern-lesson#result[data-state="ready"]', { timeout: 90_000 });
    const result = page.locator('lectern-lesson#result output.doubled');
    await expect.poll(() => result.textContent(), { timeout: 60_000 }).toBe('doubled = 6');
    await expect.poll(() => page.locator('lectern-lesson#result [data-lectern-inline]').textContent()).toBe('3');
    // Only its own section: the result embed has no slider, the setup embed no result.
    expect(await page.locator('lectern-lesson#result input').count()).toBe(0);
    expect(await page.locator('lectern-lesson#setup output.doubled').count()).toBe(0);
    expect(await page.locator('lectern-lesson#result h2').textContent()).toBe('Result');
    // Keyboard: the slider in the first embed drives the output of the second.
    const slider = page.locator('lectern-lesson#setup').getByRole('slider', { name: 'Factor' });
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => result.textContent()).toBe('doubled = 10');
    // The inline expression in the result section's prose follows the slider too.
    expect(await page.locator('lectern-lesson#result [data-lectern-inline]').textContent()).toBe('5');
    // The course site's own styles and ours do not mix (shadow root).
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('main')!).maxWidth)).toBe('none');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a whole lesson, and a clear error for an unknown section', async () => {
    const { page } = await openSite(`
      <lectern-lesson id="whole" src="${lectern.url}${FIXTURE}"></lectern-lesson>
      <lectern-lesson id="bad" src="${lectern.url}${FIXTURE}" section="nope"></lectern-lesson>`);
    await page.waitForSelector('lectern-lesson#bad[data-state="error"]', { timeout: 90_000 });
    expect(await page.locator('lectern-lesson#bad [role="alert"]').textContent()).toBe(
      'The lesson "Embedding fixture" has no section "nope" (sections: setup, result)',
    );
    await page.waitForSelector('lectern-lesson#whole[data-state="ready"]');
    expect(await page.locator('lectern-lesson#whole h2').allTextContents()).toEqual(['Setup', 'Result']);
    await expect.poll(() => page.locator('lectern-lesson#whole output.doubled').textContent(), { timeout: 60_000 }).toBe('doubled = 6');
    await page.close();
  });

  it('fits an iframe embed from another origin to its content', async () => {
    const src = `${lectern.url}/embed.html?src=${encodeURIComponent(FIXTURE)}&section=result`;
    const { page } = await openSite(`<iframe class="lectern-frame" title="Result section" src="${src}" style="height: 10px"></iframe>`);
    const frame = page.frameLocator('iframe.lectern-frame');
    await expect.poll(() => frame.locator('output.doubled').textContent(), { timeout: 90_000 }).toBe('doubled = 6');
    // No site chrome in the frame: no header, no lesson navigation.
    expect(await frame.locator('header, nav').count()).toBe(0);
    const heights = async () =>
      page.evaluate(() => {
        const iframe = document.querySelector('iframe')!;
        return { frame: iframe.getBoundingClientRect().height };
      });
    const contentHeight = await frame.locator('html').evaluate((html) => Math.ceil(html.getBoundingClientRect().height));
    await expect.poll(async () => (await heights()).frame).toBe(contentHeight);
    expect(contentHeight).toBeGreaterThan(50);
    await page.close();
  });
});
