/**
 * Issue 12 in Chromium, items 9 and 10 (test/fixtures/safety/cells-misbehave.md): a throw in a
 * timer and a rejection nobody handled show as errors at the cell that started them; a thrown
 * non-Error is named at the top of the page; a cell that replaces JSON through an alias, or is
 * rejected at compile time for `globalThis.Math = 1` or `Object.prototype.x = …`, fails at its cell;
 * the other cells run, JSON, Math and Object.prototype are intact, and the page still edits and
 * runs cells.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startDevServer, type RunningServer } from './harness.ts';

const FIXTURE = '/lesson.html?file=/test/fixtures/safety/cells-misbehave.md';
const WAIT = { timeout: 60_000 };

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchBrowser()]);
  page = await browser.newPage();
  await page.goto(`${server.url}${FIXTURE}`, { timeout: 120_000 });
  await page.locator('#lesson[data-ready="true"]').waitFor({ timeout: 120_000 });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const output = (id: string) => page.locator(`#${id} .cell-output`);

describe('misbehaving cells', () => {
  it('shows a timer throw and an unhandled rejection at the cell that started them; the others run (item 9)', async () => {
    await expect.poll(() => output('timer').textContent(), WAIT).toMatch(/^Error: boom in a timer — uncaught, in a timer or callback \(line 1\)$|^boom in a timer — uncaught, in a timer or callback \(line 1\)$/);
    await expect.poll(() => output('rejection').textContent(), WAIT).toMatch(/nobody caught me — a rejected promise nobody handled \(line 1\)$/);
    expect(await page.locator('#timer').getAttribute('class')).toContain('has-error');
    await expect.poll(() => output('shown').textContent(), WAIT).toBe('"later is 42"');
    await expect.poll(() => page.locator('.notice.uncaught').textContent(), WAIT)
      .toContain('A cell threw "just a string" (uncaught, in a timer or callback); it is not an Error, so no stack says which cell');
  });

  it('fails the cells that change the built-ins, puts them back, and the page keeps working (item 10)', async () => {
    await expect.poll(() => output('alias').textContent(), WAIT).toMatch(/changed JavaScript's built-ins \(replaced globalThis\.JSON\).*put them back/);
    expect(await output('direct').textContent()).toMatch(/Assignment to global 'Math'.*\(globalThis\.Math\)/);
    expect(await output('proto').textContent()).toMatch(/Changing Object\.prototype\.polluted changes every object/);
    await expect.poll(() => output('after').textContent(), WAIT).toBe('"max 2, polluted none, json [1]"');
    expect(await page.evaluate(() => [typeof JSON.stringify, typeof Math.max, Object.hasOwn(Object.prototype, 'polluted')])).toEqual(['function', 'function', false]);
    // Lectern's own code still works: an edit runs and is kept.
    await page.locator('#after').hover();
    await page.locator('#after').getByRole('button', { name: /^Edit cell / }).click();
    await page.locator('#after .cm-content').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText('`edited: ${JSON.stringify({ a: 1 })}`');
    await page.keyboard.press('Shift+Enter');
    await expect.poll(() => output('after').textContent(), WAIT).toBe('"edited: {\\"a\\":1}"');
  });
});
