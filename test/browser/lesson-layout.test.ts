/**
 * The lesson page's layout in Chromium: closed cells that show nothing leave no gap between the
 * paragraphs around them (and their Edit buttons never cover each other), at 1280×800 and at 390 px
 * (test/fixtures/ui/folded-cells.md); lesson 8's settings sit in one panel with the curves under
 * them, within one window at 1280×800, the panel staying in view over the results, and usable at 390 px.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startDevServer, type RunningServer } from './harness.ts';

const FOLDED = '/lesson.html?file=/test/fixtures/ui/folded-cells.md';
// A short training (200 images, 2 epochs), from the URL: the layout does not wait for a long run.
const LESSON8 = '/lesson.html?file=/notebooks/08-fine-tuning.md#trainSize=200&epochs=2';
const WAIT = { timeout: 60_000 };

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchBrowser()]);
  page = await (await browser.newContext()).newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  // The dev server's first compile of the page is slow on a shared machine: not any test's time.
  await open(FOLDED, 1280);
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(url: string, width: number, height = 800): Promise<void> {
  await page.setViewportSize({ width, height });
  await page.goto('about:blank');
  await page.goto(`${server.url}${url}`, { timeout: 120_000 });
  await page.locator('#lesson[data-ready="true"]').waitFor({ timeout: 120_000 });
}

/** Vertical space between consecutive paragraphs of the lesson (bottom of one to top of the next). */
const paragraphGaps = () => page.evaluate(() => {
  const ps = [...document.querySelectorAll('article.lesson p')].filter((p) => /^(First|Second|Third|Fourth) paragraph\.$/.test(p.textContent ?? ''));
  const boxes = ps.map((p) => p.getBoundingClientRect());
  return boxes.slice(1).map((box, i) => Math.round(box.top - boxes[i]!.bottom));
});
const height = (id: string) => page.locator(`#${id}`).evaluate((el) => el.getBoundingClientRect().height);
const editBox = (n: number) => page.getByRole('button', { name: `Edit cell ${n}` }).evaluate((el) => {
  const r = el.getBoundingClientRect();
  return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width };
});

describe('closed cells that show nothing', () => {
  for (const width of [1280, 390]) {
    it(`leave no gap between the paragraphs around them at ${width} px`, { timeout: 180_000 }, async () => {
      await open(FOLDED, width);
      await expect.poll(() => page.locator('#cell-5 .cell-output').textContent(), WAIT).toBe('"shown 4"');
      console.log(`${width} px: gaps between the paragraphs ${(await paragraphGaps()).join(', ')} px; cells ${(await Promise.all(['cell-1', 'cell-2', 'cell-4'].map(height))).join(', ')} px high`);
      // Paragraph 1 | cell | 2, then 2 | 3 with nothing between, then 3 | two cells and a hidden one | 4.
      await expect.poll(async () => {
        const [aroundOne, plain, aroundThree] = await paragraphGaps();
        return aroundOne === plain && aroundThree === plain && plain! > 0;
      }, WAIT).toBe(true);
      for (const id of ['cell-1', 'cell-2', 'cell-3', 'cell-4']) expect(await height(id)).toBe(0);
      // The cells that show something keep their room.
      expect(await height('cell-5')).toBeGreaterThan(10);
    });
  }

  it('keep an Edit each in the margin at 1280 px, one below the other, that opens the code', { timeout: 180_000 }, async () => {
    await open(FOLDED, 1280);
    await expect.poll(() => page.locator('#cell-5 .cell-output').textContent(), WAIT).toBe('"shown 4"');
    await expect.poll(async () => (await editBox(4)).top - (await editBox(2)).bottom, WAIT).toBeGreaterThanOrEqual(0);
    const column = await page.locator('article.lesson').evaluate((el) => el.getBoundingClientRect().left);
    expect((await editBox(2)).right).toBeLessThanOrEqual(column);
    await page.getByRole('button', { name: 'Edit cell 4' }).click();
    expect(await page.locator('#cell-4 .cm-content').textContent()).toBe('const d = c + 1');
    expect(await height('cell-4')).toBeGreaterThan(20);
  });

  it('at 390 px show their Edit only while the keyboard is on it', { timeout: 180_000 }, async () => {
    await open(FOLDED, 390);
    await expect.poll(() => page.locator('#cell-5 .cell-output').textContent(), WAIT).toBe('"shown 4"');
    // The toolbar is clipped to nothing (its button keeps its own size inside it).
    const toolbar = () => page.locator('#cell-1 > .cell-toolbar').evaluate((el) => Math.round(el.getBoundingClientRect().width));
    await expect.poll(toolbar, WAIT).toBeLessThanOrEqual(1);
    await page.getByRole('button', { name: 'Edit cell 1' }).focus();
    expect(await toolbar()).toBeGreaterThan(20);
    await page.keyboard.press('Enter');
    expect(await page.locator('#cell-1 .cm-content').textContent()).toBe('const a = 1');
  });
});

interface Box { top: number; bottom: number; left: number; right: number }
const box = (selector: string) => page.locator(selector).first().evaluate((el): Box => {
  const r = el.getBoundingClientRect();
  return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
});
/** The cell that shows the curves (their placeholder before the first epoch, the chart after). */
const CHART = '.cell:has(.lectern-curves-waiting, svg.lectern-scalars)';
const SETTINGS = ['Trainable layers', 'Training images', 'Dropout', 'Epochs', 'Learning rate', 'Head-only epochs first',
  'EarlyStopping (patience 5, restore best weights)', 'BatchNormalization in inference mode'];

describe('lesson 8\'s settings', () => {
  it('are one panel with the curves under it, both within one window at 1280×800; the panel stays in view over the results', { timeout: 300_000 }, async () => {
    await open(LESSON8, 1280, 800);
    const panel = page.getByRole('group', { name: 'Settings' });
    expect(await panel.locator('form label').allTextContents()).toEqual(SETTINGS);
    await page.locator(CHART).waitFor({ timeout: 240_000 });
    // Scrolled to the panel, the chart is in the window with it.
    await panel.evaluate((el) => window.scrollBy(0, el.getBoundingClientRect().top));
    const [settings, chart] = [await box('.lesson-panel'), await box(CHART)];
    expect(settings.top).toBeGreaterThanOrEqual(0);
    expect(chart.top).toBeGreaterThan(settings.bottom - 1);
    expect(chart.bottom).toBeLessThanOrEqual(800);
    console.log(`1280×800: settings ${Math.round(settings.top)}–${Math.round(settings.bottom)} px, chart ${Math.round(chart.top)}–${Math.round(chart.bottom)} px`);
    // Scrolled on to the summary (under the curves), the settings are still at the top of the window.
    await page.locator('.lectern-summary').first().waitFor({ timeout: 240_000 });
    await page.locator('.lectern-summary').first().evaluate((el) => window.scrollBy(0, el.getBoundingClientRect().top - 400));
    const stuck = await box('.lesson-panel');
    expect(Math.round(stuck.top)).toBe(0);
    expect((await box('.lectern-summary')).top).toBeGreaterThanOrEqual(stuck.bottom - 1);
  });

  it('are usable at 390 px: nothing wider than the screen, every input on it, a change reaches the lesson', { timeout: 300_000 }, async () => {
    await open(LESSON8, 390, 800);
    const panel = page.getByRole('group', { name: 'Settings' });
    await panel.waitFor({ timeout: 120_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // The panel does not stick on a phone: it would cover most of the screen.
    expect(await panel.evaluate((el) => getComputedStyle(el).position)).toBe('static');
    const inputs = await panel.locator('input, select').evaluateAll((els) => els.filter((el) => (el as HTMLInputElement).type !== 'hidden').map((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, width: r.width };
    }));
    expect(inputs.length).toBeGreaterThanOrEqual(SETTINGS.length);
    for (const input of inputs) {
      expect(input.left).toBeGreaterThanOrEqual(0);
      expect(input.right).toBeLessThanOrEqual(390);
      expect(input.width).toBeGreaterThan(10);
    }
    await panel.getByRole('slider', { name: 'Dropout' }).fill('0.3');
    await expect.poll(() => page.evaluate(() => window.location.hash), WAIT).toContain('dropout=0.3');
  });
});
