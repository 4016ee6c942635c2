/**
 * The lesson page on the edit store (src/storage), in Chromium (issue 12, items 2, 3, 5): a cell's
 * localStorage.clear() does not reach the learner's edits; a saved edit that empties the page does
 * not run again on the next load (safe start: shown, not run, until "Run my edits"; Reset lesson
 * reachable), nor with `?safe`; two tabs editing one cell see each other's edits and neither is
 * dropped unseen.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, startDevServer, type RunningServer } from './harness.ts';

const FIXTURE = '/test/fixtures/safety/page-safety.md';
const WAIT = { timeout: 30_000 };

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchBrowser()]);
  // The dev server's first compile of the page is slow on a shared machine.
  const warm = await browser.newPage();
  await warm.goto(`${server.url}/lesson.html?file=${FIXTURE}`, { timeout: 120_000 });
  await warm.locator('#lesson[data-ready="true"]').waitFor({ timeout: 120_000 });
  await warm.close();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
beforeEach(async () => {
  context = await browser.newContext();
  page = await context.newPage();
});
afterEach(async () => { await context?.close(); });

const shown = (p: Page) => p.locator('#shown .cell-output');
const editor = (p: Page) => p.locator('#base .cm-content');

/** Opens the lesson and waits until it stands (its load marker cleared). */
async function open(p: Page, query = ''): Promise<void> {
  await p.goto(`${server.url}/lesson.html?file=${FIXTURE}${query}`);
  await p.locator('#lesson[data-ready="true"]').waitFor(WAIT);
}
async function standing(p: Page): Promise<void> {
  await p.locator('#lesson[data-standing="true"]').waitFor({ state: 'attached', ...WAIT });
}

async function editAndRun(p: Page, source: string): Promise<void> {
  await editor(p).click();
  await p.keyboard.press('ControlOrMeta+A');
  await p.keyboard.insertText(source);
  await p.keyboard.press('Shift+Enter');
}

describe('lesson page safety', () => {
  it('edits survive a cell\'s localStorage.clear()', async () => {
    await open(page);
    await editAndRun(page, 'const base: number = 5');
    await expect.poll(() => shown(page).textContent(), WAIT).toBe('"tenfold is 50"');
    await standing(page);
    await page.evaluate(() => localStorage.clear());
    await open(page);
    await expect.poll(() => shown(page).textContent(), WAIT).toBe('"tenfold is 50"');
  });

  it('a saved edit that empties the page does not run on the next load; Run my edits and Reset lesson are there', async () => {
    await open(page);
    await standing(page);
    await editAndRun(page, 'document.body.innerHTML = ""\nconst base: number = 3');
    await expect.poll(() => page.locator('#lesson').count(), WAIT).toBe(0);
    await open(page);
    const notice = page.locator('.notice.safe-start');
    await expect.poll(() => notice.textContent(), WAIT).toContain('Safe start: the last time this lesson was opened, it did not finish loading');
    expect(await editor(page).textContent()).toBe('document.body.innerHTML = ""const base: number = 3'); // shown (one line per .cm-line)
    await expect.poll(() => shown(page).textContent(), WAIT).toBe('"tenfold is 20"'); // the lesson's code ran, not the edit
    await standing(page);
    // Reloading a standing safe page starts normally? No: the edit is still the one that broke it; the
    // marker was cleared because this load stood, so the learner's choice decides from here.
    await notice.getByRole('button', { name: 'Run my edits' }).click();
    await expect.poll(() => page.locator('#lesson').count(), WAIT).toBe(0); // they asked: it ran
    await open(page);
    await expect.poll(() => notice.isVisible(), WAIT).toBe(true); // and it starts safe again
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Reset lesson' }).click();
    await expect.poll(() => page.locator('.cell.is-edited').count(), WAIT).toBe(0);
    await standing(page);
    await open(page);
    await expect.poll(() => shown(page).textContent(), WAIT).toBe('"tenfold is 20"');
    await standing(page);
    expect(await notice.count()).toBe(0);
  });

  it('?safe shows saved edits without running them until the learner says so', async () => {
    await open(page);
    await editAndRun(page, 'const base: number = 4');
    await expect.poll(() => shown(page).textContent(), WAIT).toBe('"tenfold is 40"');
    await standing(page);
    await open(page, '&safe');
    const notice = page.locator('.notice.safe-start');
    await expect.poll(() => notice.textContent(), WAIT).toContain('Safe start: you opened this lesson with ?safe');
    await expect.poll(() => shown(page).textContent(), WAIT).toBe('"tenfold is 20"');
    expect(await editor(page).textContent()).toBe('const base: number = 4');
    await notice.getByRole('button', { name: 'Run my edits' }).click();
    await expect.poll(() => shown(page).textContent(), WAIT).toBe('"tenfold is 40"');
    expect(await notice.count()).toBe(0);
  });

  it('two tabs: one tab\'s edit shows in the other (not run), and an edit saved over unseen is offered back', async () => {
    const second = await context.newPage();
    // The second tab hears nothing from the first (its BroadcastChannel ignores messages), so it
    // writes over an edit it never saw; the first tab still hears the second.
    await second.addInitScript(() => {
      class HalfDeaf extends BroadcastChannel {
        override set onmessage(_listener: unknown) {}
        override get onmessage(): null { return null; }
      }
      (window as unknown as { BroadcastChannel: unknown }).BroadcastChannel = HalfDeaf;
    });
    await open(page);
    await open(second);
    await standing(page);
    await standing(second);
    await editAndRun(page, 'const base: number = 6');
    await expect.poll(() => shown(page).textContent(), WAIT).toBe('"tenfold is 60"');
    await editAndRun(second, 'const base: number = 7');
    await expect.poll(() => shown(second).textContent(), WAIT).toBe('"tenfold is 70"');
    // The first tab is told: the second tab's code in its editor, not run; its own 6 kept aside.
    await expect.poll(() => editor(page).textContent(), WAIT).toBe('const base: number = 7');
    expect(await shown(page).textContent()).toBe('"tenfold is 60"');
    await expect.poll(() => page.locator('.notice.other-tab').textContent(), WAIT).toContain('Another tab changed base');
    const displaced = page.locator('.notice.displaced');
    await expect.poll(() => displaced.locator('pre').allTextContents(), WAIT).toContain('const base: number = 6');
    await displaced.getByRole('button', { name: 'Use this version' }).first().click();
    await expect.poll(() => editor(page).textContent(), WAIT).toBe('const base: number = 6');
    await expect.poll(() => displaced.count(), WAIT).toBe(0);
  });
});
