/**
 * Automated accessibility check (axe-core, injected from node_modules) on every kind of page, each
 * in the light and the dark scheme: the course index, a lesson page, the lesson 8 deck (audience and
 * presenter views) and an embedded lesson section: no serious or critical violation. axe cannot judge everything; keyboard use is tested in slides.test.ts and embed.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, launchBrowser, startDevServer, type RunningServer } from './harness.ts';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Serious and critical axe violations on the page as it is now. */
async function seriousViolations(page: Page, ready = 'body'): Promise<string[]> {
  try {
    return await axeViolations(page);
  } catch (error) {
    // The dev server reloads a page once when it first meets a dependency to optimise.
    if (!String(error).includes('Execution context was destroyed')) throw error;
    await page.waitForSelector(ready, { timeout: 90_000 });
    return axeViolations(page);
  }
}

async function open(path: string, ready: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme });
  await page.goto(`${server.url}${path}`);
  await page.waitForSelector(ready, { timeout: 90_000 });
  return page;
}

// Generous timeouts bound waiting while other jobs share the machine; they assert no speed.
describe('axe: no serious or critical violations', { timeout: 240_000 }, () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`on the course index (${scheme})`, async () => {
      const page = await open('/index.html', '#course[data-ready="true"]', scheme);
      expect(await seriousViolations(page, '#course[data-ready="true"]')).toEqual([]);
      await page.close();
    });

    it(`on a lesson page (${scheme})`, async () => {
      const page = await open('/lesson.html?lesson=00-how-lessons-work', '#lesson[data-ready="true"]', scheme);
      await page.waitForSelector('input', { timeout: 60_000 });
      expect(await seriousViolations(page, '#lesson[data-ready="true"] input')).toEqual([]);
      await page.close();
    });
  }

  for (const scheme of ['light', 'dark'] as const) {
    it(`on the lesson 8 deck, with a live slider, and in the presenter view (${scheme})`, async () => {
      const page = await open('/slides.html?deck=08-fine-tuning&slide=4', '#lectern-slides[data-ready="true"]', scheme);
      await page.waitForSelector('.lectern-say', { timeout: 60_000 });
      expect(await seriousViolations(page)).toEqual([]);
      // The presenter in the same browser as the audience, so its previews hold the audience's snapshots.
      const [presenter] = await Promise.all([page.context().waitForEvent('page'), page.keyboard.press('p')]);
      await presenter.waitForSelector('#lectern-slides[data-ready="true"]', { timeout: 90_000 });
      await presenter.locator('.lectern-presenter > .lectern-stage lectern-cell[data-mirrored]').first().waitFor({ timeout: 60_000 });
      expect(await seriousViolations(presenter)).toEqual([]);
      await presenter.close();
      await page.close();
    });
  }

  for (const theme of ['light', 'dark'] as const) {
    it(`on an embedded lesson section (${theme})`, async () => {
      const page = await open(`/embed.html?src=${encodeURIComponent('/test/fixtures/embed/two-sections.md')}&section=setup&theme=${theme}`, 'lectern-lesson[data-state="ready"]', theme);
      await page.locator('lectern-lesson').getByRole('slider').waitFor({ timeout: 60_000 });
      expect(await page.locator('lectern-lesson').getAttribute('data-scheme')).toBe(theme);
      expect(await seriousViolations(page)).toEqual([]);
      await page.close();
    });
  }
});
