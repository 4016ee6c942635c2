/**
 * Automated accessibility check (axe-core, injected from node_modules) on a lesson page, the lesson
 * 8 deck (audience and presenter views) and an embedded lesson section: no serious or critical
 * violation. axe cannot judge everything; keyboard use is tested in slides.test.ts and embed.test.ts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startDevServer, type RunningServer } from './harness.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Finding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Serious and critical axe violations on the page as it is now. */
async function seriousViolations(page: Page, ready = 'body'): Promise<Finding[]> {
  try {
    await page.addScriptTag({ content: axeSource });
  } catch (error) {
    // The dev server reloads a page once when it first meets a dependency to optimise.
    if (!String(error).includes('Execution context was destroyed')) throw error;
    await page.waitForSelector(ready, { timeout: 90_000 });
    await page.addScriptTag({ content: axeSource });
  }
  const findings = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  return findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
}

async function open(path: string, ready: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.url}${path}`);
  await page.waitForSelector(ready, { timeout: 90_000 });
  return page;
}

describe('axe: no serious or critical violations', () => {
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
