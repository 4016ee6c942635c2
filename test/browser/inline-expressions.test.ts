/**
 * Inline expressions `${...}` on the lesson page in Chromium: each shows its value in the sentence
 * (text, a node, an iterable, display() calls), a failing one shows its error in place, and they
 * follow a slider and an edited cell. Drives test/fixtures/ui/inline-lesson.md via `?file=`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startDevServer, type RunningServer } from './harness.ts';

const FIXTURE = '/test/fixtures/ui/inline-lesson.md';
const WAIT = { timeout: 30_000 };

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchBrowser()]);
  page = await (await browser.newContext()).newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(`${server.url}/lesson.html?file=${FIXTURE}`);
  await page.locator('#lesson[data-ready="true"]').waitFor(WAIT);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const inline = (n: number) => page.locator(`[data-lectern-inline="inline-${n}"]`);
const texts = () => page.locator('[data-lectern-inline]').allTextContents();

describe('inline expressions on the lesson page', () => {
  it('show their values in the sentence, as Framework does', async () => {
    await expect.poll(texts, WAIT).toEqual(['3', '3', '9', 'bold 3', '3-4', 'onetwo', expect.stringContaining('"missing" is not defined')]);
    expect(await page.locator('h1').textContent()).toBe('Count 3');
    expect(await inline(4).locator('b').textContent()).toBe('bold 3');
    expect(await inline(7).getByRole('alert').count()).toBe(1);
    // The sentence around them is the lesson's prose.
    expect(await page.locator('.prose p', { hasText: 'The slider says' }).textContent()).toContain('The slider says 3, so its square is 9; as a node: bold 3.');
  });

  it('follow a slider and an edited cell', async () => {
    const slider = page.getByRole('slider', { name: 'Count' });
    await slider.fill('7');
    await expect.poll(texts, WAIT).toEqual(['7', '7', '49', 'bold 7', '7-8', 'onetwo', expect.stringContaining('"missing" is not defined')]);
    await page.locator('#cell-2').getByRole('button', { name: 'Edit cell 2' }).click();
    const editor = page.locator('#cell-2 .cm-content');
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText('const html = (n: number) => Object.assign(document.createElement("i"), { textContent: `italic ${n}` })');
    await page.keyboard.press('Shift+Enter');
    await expect.poll(() => inline(4).textContent(), WAIT).toBe('italic 7');
    expect(await inline(2).textContent()).toBe('7');
  });
});
