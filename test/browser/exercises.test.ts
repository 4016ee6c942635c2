/**
 * Exercises on the lesson page in Chromium: the check's verdict with its reason, hints one at a time,
 * the solution on request, progress kept across a reload and written into "Download .md", and no
 * serious axe violation in the box. Drives test/fixtures/ui/exercise-lesson.md via `?file=`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, launchBrowser, startDevServer, type RunningServer } from './harness.ts';

const FIXTURE = '/test/fixtures/ui/exercise-lesson.md';
const WAIT = { timeout: 30_000 };

let server: RunningServer;
let browser: Browser;
let page: Page;

async function open(): Promise<void> {
  await page.goto(`${server.url}/lesson.html?file=${FIXTURE}`);
  await page.locator('#lesson[data-ready="true"]').waitFor(WAIT);
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchBrowser()]);
  page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await open();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const box = () => page.locator('#exercise-above');
const verdict = () => box().getByRole('status').textContent();

describe('exercises on the lesson page', () => {
  it('says not yet with the check\'s reason, and shows no check cell', async () => {
    await expect.poll(verdict, WAIT).toBe('Not yet: the threshold is 0.5, below 0.8');
    expect(await box().getByText('Exercise: Raise the threshold').count()).toBe(1);
    // The check's code is not on the page, only its verdict.
    expect(await page.locator('.cell').count()).toBe(1);
    expect(await page.getByText('threshold >= 0.8').count()).toBe(0);
  });

  it('opens hints one at a time, then the solution', async () => {
    expect(await box().getByText('The slider goes to 1.').count()).toBe(0);
    await box().getByRole('button', { name: 'Show a hint (1 of 2)' }).click();
    expect(await box().getByText('The slider goes to 1.').isVisible()).toBe(true);
    expect(await box().getByText('Drag it to the right.').count()).toBe(0);
    await box().getByRole('button', { name: 'Next hint (2 of 2)' }).click();
    expect(await box().getByText('Drag it to the right.').isVisible()).toBe(true);
    expect(await box().getByRole('button', { name: /hint/ }).isHidden()).toBe(true);
    expect(await box().getByText('const threshold = 0.9').count()).toBe(0);
    await box().getByRole('button', { name: 'Show the solution' }).click();
    expect(await box().locator('.exercise-solution code').textContent()).toBe('const threshold = 0.9\n');
  });

  it('passes when the check passes', async () => {
    await page.getByRole('slider', { name: 'Threshold' }).fill('0.9');
    await expect.poll(verdict, WAIT).toBe('✓ Passed: the threshold is 0.9');
    expect(await box().getAttribute('class')).toContain('exercise-done');
  });

  it('keeps the progress across a reload, and says it passed before when it does not pass now', async () => {
    await open();
    // The slider is back at 0.5: not passed now, but passed before; what was open is open again.
    await expect.poll(verdict, WAIT).toMatch(/^Not yet: the threshold is 0\.5, below 0\.8 \(you passed it on .+\)$/);
    expect(await box().getAttribute('class')).toContain('exercise-done');
    expect(await box().getByText('Drag it to the right.').isVisible()).toBe(true);
    expect(await box().locator('.exercise-solution').count()).toBe(1);
  });

  it('writes the progress into Download .md', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download .md' }).click()]);
    const stream = await download.createReadStream();
    let text = '';
    for await (const chunk of stream) text += String(chunk);
    expect(text).toMatch(/<!-- lectern:progress \(exercises: 1 of 1 passed\)\n- above \(Raise the threshold\): passed \d{4}-\d\d-\d\d \d\d:\d\d UTC; 2 hints opened, solution opened\n-->\n$/);
    expect(text.startsWith('---\ntitle: Exercises on the page')).toBe(true);
  });

  it('has no serious axe violation in the exercise box', async () => {
    expect(await axeViolations(page, { include: '#exercise-above' })).toEqual([]);
  });
});
