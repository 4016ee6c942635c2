/**
 * Automated accessibility check (axe-core, injected from node_modules) on a lesson page, the lesson
 * 8 deck (audience and presenter views) and an embedded lesson section: no serious or critical
 * violation. axe cannot judge everything; keyboard use is tested in slides.test.ts and embed.test.ts.
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

async function open(path: string, ready: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.url}${path}`);
  await page.waitForSelector(ready, { timeout: 90_000 });
  return page;
}

// Generous timeouts bound waiting while other jobs share the machine; they assert no speed.
describe('axe: no serious or critical violations', { timeout: 240_000 }, () => {
  it('on a lesson page', async () => {
    const page = await open('/lesson.html?lesson=00-how-lessons-work', '#lesson[data-ready="true"]');
    await page.waitForSelector('input', { timeout: 60_000 });
    expect(await seriousViolations(page, '#lesson[data-ready="true"] input')).toEqual([]);
    await page.close();
  });

  it('on the lesson 8 deck, with a live slider, and in the presenter view', async () => {
    const page = await open('/slides.html?deck=08-fine-tuning&slide=4', '#lectern-slides[data-ready="true"]');
    await page.waitForSelector('.lectern-say', { timeout: 60_000 });
    expect(await seriousViolations(page)).toEqual([]);
    const presenter = await open('/slides.html?deck=08-fine-tuning&slide=4&view=presenter', '#lectern-slides[data-ready="true"]');
    expect(await seriousViolations(presenter)).toEqual([]);
    await presenter.close();
    await page.close();
  });

  it('on an embedded lesson section', async () => {
    const page = await open(`/embed.html?src=${encodeURIComponent('/test/fixtures/embed/two-sections.md')}&section=setup`, 'lectern-lesson[data-state="ready"]');
    await page.locator('lectern-lesson').getByRole('slider').waitFor({ timeout: 60_000 });
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });
});
