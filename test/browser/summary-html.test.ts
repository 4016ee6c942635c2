/**
 * The HTML summary in real Chromium: the fold opens and closes, the header stays visible while
 * the layer list scrolls, and axe-core finds no accessibility violations.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freezeAllButLast } from '../../src/ml/freeze.ts';
import { mobileNetV2 } from '../../src/ml/mobilenetv2.ts';
import { summaryHtml } from '../../src/ml/summary/html.ts';
import { axeViolations, launchBrowser } from './harness.ts';

let browser: Browser;
let page: Page;

beforeAll(async () => {
  const base = mobileNetV2({ includeTop: false });
  freezeAllButLast(base, 4);
  const html = summaryHtml(base, { showTrainable: true }); // as lesson 8 shows it
  base.dispose();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  await page.setContent(`<!doctype html><html lang="en"><head><title>summary</title></head><body><main>${html}</main></body></html>`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('summaryHtml in Chromium', () => {
  it('folds the frozen layers into a <details> that expands on click and on the keyboard', async () => {
    const firstFrozen = page.locator('details tr.frozen').first();
    expect(await firstFrozen.isVisible()).toBe(false);
    await page.click('details > summary');
    expect(await firstFrozen.isVisible()).toBe(true);
    await page.focus('details > summary');
    await page.keyboard.press('Enter');
    expect(await firstFrozen.isVisible()).toBe(false);
    await page.keyboard.press('Enter');
    expect(await page.locator('details tr').count()).toBe(150 + 1); // + its visually hidden header
  });

  it('keeps the header visible at the top of the scrolled layer list', async () => {
    const region = page.locator('.lectern-summary-scroll');
    await region.evaluate((el) => { el.scrollTop = el.scrollHeight / 2; });
    const [regionBox, headerBox] = await Promise.all([region.boundingBox(), page.locator('.lectern-summary-scroll > table > thead th').first().boundingBox()]);
    expect(await region.evaluate((el) => el.scrollTop)).toBeGreaterThan(500);
    expect(Math.abs((headerBox?.y ?? -1) - ((regionBox?.y ?? 0) + 1))).toBeLessThanOrEqual(1); // 1px border
  });

  it('never breaks a header inside a word, and scrolls sideways inside its box on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 700 });
    try {
      const headers = await page.locator('.lectern-summary-table > thead th').evaluateAll((ths) => ths.map((th) => {
        // Each word of the header on one line: the rectangles of a word's characters share one top.
        const text = th.firstChild as Text;
        const words = [...(text.textContent ?? '').matchAll(/\S+/g)];
        const broken = words.filter((m) => {
          const range = document.createRange();
          range.setStart(text, m.index!);
          range.setEnd(text, m.index! + m[0].length);
          return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
        }).map((m) => m[0]);
        return { header: th.textContent, broken };
      }));
      expect(headers.map((h) => h.header)).toContain('Trainable');
      expect(headers.filter((h) => h.broken.length)).toEqual([]);
      const box = await page.locator('.lectern-summary-scroll').first().evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, page: document.documentElement.scrollWidth }));
      expect(box.scroll).toBeGreaterThan(box.client);
      expect(box.page).toBeLessThanOrEqual(390); // the page itself does not scroll sideways
    } finally {
      await page.setViewportSize({ width: 1000, height: 700 });
    }
  });

  it('has no axe-core violations', async () => {
    const violations = await axeViolations(page, { include: 'main', impacts: 'all' });
    expect(violations).toEqual([]);
  });
});

