/**
 * Inputs in the lesson page's URL in Chromium: moving them writes the hash (only what differs from the
 * lesson), a link with the hash opens the lesson with the same inputs and results, a value that does
 * not fit says so, and Reset lesson puts the lesson's values back. Drives test/fixtures/ui/url-state-lesson.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startDevServer, type RunningServer } from './harness.ts';

const FIXTURE = '/test/fixtures/ui/url-state-lesson.md';
const WAIT = { timeout: 30_000 };

let server: RunningServer;
let browser: Browser;
let page: Page;

async function open(hash = ''): Promise<void> {
  // A goto that changes only the hash would not reload the page.
  await page.goto('about:blank');
  // The first load compiles the page's modules: slow on a busy machine.
  await page.goto(`${server.url}/lesson.html?file=${FIXTURE}${hash}`, { timeout: 90_000 });
  await page.locator('#lesson[data-ready="true"]').waitFor(WAIT);
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchBrowser()]);
  page = await (await browser.newContext()).newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  page.on('dialog', (dialog) => void dialog.accept());
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const result = () => page.locator('#cell-5 .cell-output').textContent();
const hash = () => page.evaluate(() => window.location.hash);

describe('inputs in the URL', () => {
  it('writes each changed input into the hash, and only those', { timeout: 120_000 }, async () => {
    await open();
    await expect.poll(result, WAIT).toBe('"0.5 wasm false a & b"');
    expect(await hash()).toBe('');
    await page.getByRole('slider', { name: 'Dropout' }).fill('0.3');
    await page.getByLabel('Backend').selectOption('cpu');
    await page.getByLabel('Early stopping').check();
    await page.getByRole('textbox', { name: 'Note' }).fill('x = 1 & y');
    await expect.poll(result, WAIT).toBe('"0.3 cpu true x = 1 & y"');
    expect(await hash()).toBe('#dropout=0.3&backendName=cpu&early=true&note=x%20%3D%201%20%26%20y');
    // Back to the lesson's value: out of the URL.
    await page.getByRole('slider', { name: 'Dropout' }).fill('0.5');
    await expect.poll(hash, WAIT).toBe('#backendName=cpu&early=true&note=x%20%3D%201%20%26%20y');
  });

  it('opens a link with the same inputs and results, and Reset lesson returns to the lesson\'s', async () => {
    await open('#inputs&dropout=0.75&backendName=webgl&early=true');
    await expect.poll(result, WAIT).toBe('"0.75 webgl true a & b"');
    expect(await page.getByRole('slider', { name: 'Dropout' }).inputValue()).toBe('0.75');
    expect(await page.getByLabel('Early stopping').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Reset lesson' }).click();
    await expect.poll(result, WAIT).toBe('"0.5 wasm false a & b"');
    // The anchor stays; the values are gone.
    expect(await hash()).toBe('#inputs');
  });

  it('says when a value in the link does not fit its input, and keeps the lesson\'s', async () => {
    await open('#dropout=7&backendName=tpu');
    await expect.poll(result, WAIT).toBe('"0.5 wasm false a & b"');
    const notice = page.locator('.link-problem');
    await expect.poll(() => notice.textContent(), WAIT).toMatch(/The link sets (dropout=7|backendName=tpu), but/);
    expect(await hash()).toBe('');
  });

  it('takes the values of a link pasted into the open lesson', async () => {
    await open();
    await page.evaluate(() => { window.location.hash = '#dropout=0.1'; });
    await expect.poll(result, WAIT).toBe('"0.1 wasm false a & b"');
  });

  it('a closed cell\'s Edit is invisible until the pointer or the keyboard reaches it', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await open();
    const cell = page.locator('#cell-6');
    const edit = cell.getByRole('button', { name: 'Edit cell 6' });
    const opacity = () => edit.evaluate((el) => getComputedStyle(el).opacity);
    await expect.poll(opacity, WAIT).toBe('0');
    await edit.focus();
    await expect.poll(opacity, WAIT).toBe('1');
    await edit.click();
    expect(await cell.locator('.cm-content').textContent()).toBe('const unshown = 1');
  });
});
