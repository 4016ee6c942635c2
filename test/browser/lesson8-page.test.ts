/**
 * Lesson 8's page as a learner sees it, in Chromium: the curves are trainingCurves' two panels with
 * a placeholder before the first epoch, status lines read as prose (not quoted green code), and
 * the diagnosis is a card. The lesson opens with a short training from its URL (200 images, 2
 * epochs) so that the run ends soon even on a loaded machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startDevServer, type RunningServer } from './harness.ts';

const LESSON = '/lesson.html?file=/notebooks/08-fine-tuning.md#trainSize=200&epochs=2';
/** Generous waits: they bound waiting on a loaded machine, they assert no speed. */
const WAIT = { timeout: 300_000, interval: 250 };

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchBrowser()]);
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  // What the chart's cell showed over time: a poll could miss the placeholder, a MutationObserver cannot.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { chartStates: string[] }).chartStates = seen;
    new MutationObserver(() => {
      const state = document.querySelector('svg.lectern-scalars') ? 'chart' : document.querySelector('.lectern-curves-waiting') ? 'waiting' : null;
      if (state && seen.at(-1) !== state) seen.push(state);
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(`${server.url}${LESSON}`, { timeout: 120_000 });
  await page.locator('#lesson[data-ready="true"]').waitFor({ timeout: 120_000 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const text = () => page.locator('#lesson').innerText();
const done = async () => (await page.locator('.lectern-diagnosis').count()) > 0 && /Done: /.test(await text());

describe('lesson 8 page', () => {
  it('draws trainingCurves: a placeholder that says what is happening, then loss and accuracy on their own panels', { timeout: 360_000 }, async () => {
    await expect.poll(done, WAIT).toBe(true);
    const states = await page.evaluate(() => (window as unknown as { chartStates: string[] }).chartStates);
    expect(states.slice(0, 2)).toEqual(['waiting', 'chart']);
    const chart = page.locator('svg.lectern-scalars');
    expect(await chart.count()).toBe(1);
    const titles = await chart.locator('text[font-weight="bold"]').allTextContents();
    expect(titles).toEqual(['epoch_loss', 'epoch_accuracy']);
    // Training and validation for this run, in both panels; the best epoch ringed.
    expect(await chart.locator('path[data-run="this run"]').count()).toBe(4);
    expect(await chart.locator('[data-marker^="best epoch"]').count()).toBe(2);
    expect(await page.locator('.lectern-curves-waiting').count()).toBe(0);
  });

  it('shows status lines as prose and the diagnosis as a card', async () => {
    await expect.poll(done, WAIT).toBe(true);
    const backendLine = page.locator('.lectern-status', { hasText: /^Running on / });
    expect(await backendLine.count()).toBe(1);
    const style = await backendLine.evaluate((el) => {
      const s = getComputedStyle(el);
      return { font: s.fontFamily, color: s.color, text: el.textContent };
    });
    expect(style.font).not.toMatch(/mono/i);
    expect(style.text).not.toMatch(/^"/);
    // Not the inspector's string green (#1a7f37).
    expect(style.color).not.toBe('rgb(26, 127, 55)');
    expect(await page.locator('.lectern-status', { hasText: /^200 training and 500 validation images of / }).count()).toBe(1);
    // No cell's whole output is a quoted string any more.
    const quoted = await page.locator('#lesson .cell-output > .insp-string').allTextContents();
    expect(quoted).toEqual([]);
    const progress = page.locator('.lectern-progress', { hasText: /^Done: 2 epochs/ });
    expect(await progress.evaluate((el) => getComputedStyle(el).fontFamily)).not.toMatch(/mono/i);

    const card = page.locator('.lectern-diagnosis');
    const box = await card.evaluate((el) => {
      const s = getComputedStyle(el);
      return { left: parseFloat(s.borderLeftWidth), top: parseFloat(s.borderTopWidth), padding: parseFloat(s.paddingLeft), background: s.backgroundColor };
    });
    expect(box.left).toBeGreaterThanOrEqual(3);
    expect(box.top).toBeGreaterThanOrEqual(1);
    expect(box.padding).toBeGreaterThan(8);
    expect(box.background).not.toBe('rgba(0, 0, 0, 0)');
    // Its evidence names both accuracies.
    expect(await card.innerText()).toMatch(/validation accuracy \d+\.\d%/i);
  });
});
