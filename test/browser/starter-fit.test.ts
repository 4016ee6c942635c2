/**
 * Starter decks (`lectern slides`) in Chromium, with their live cells mounted: no slide's content
 * runs past the slide's padding (Marp centres it, so too much content is cut at both ends), and
 * every slider of the lesson is on a slide. Lesson 8 as shipped, and a section with many long
 * bullets, a long code block and nine controls.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlideFit } from './fixtures/starter-fit.ts';
import { launchBrowser, PROJECT_ROOT, startDevServer, type RunningServer } from './harness.ts';
import { parseLesson } from '../../src/lesson/parse.ts';

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchBrowser()]);
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.url}/test/browser/fixtures/starter-fit.html`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 90_000 });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const fit = (markdown: string) =>
  page.evaluate((md) => (window as unknown as { lecternStarterFit: (m: string) => Promise<{ deck: string; slides: SlideFit[] }> }).lecternStarterFit(md), markdown);

function cutOff(slides: SlideFit[]): string[] {
  // Half a pixel of rounding either way.
  return slides
    .filter((s) => s.top < s.paddingTop - 0.5 || s.bottom > s.height - s.paddingBottom + 0.5)
    .map((s) => `"${s.title}": content ${s.top.toFixed(0)}..${s.bottom.toFixed(0)} px of ${s.height}`);
}

const sliders = (markdown: string) => parseLesson(markdown).cells.filter((c) => /\bview\s*\(/.test(c.source)).length;

describe('starter decks fit their slides', () => {
  it('lesson 8: every slide fits, with every slider on a slide', async () => {
    const lesson = readFileSync(join(PROJECT_ROOT, 'notebooks', '08-fine-tuning.md'), 'utf8');
    const { slides } = await fit(lesson);
    expect(cutOff(slides)).toEqual([]);
    expect(slides.reduce((n, s) => n + s.controls, 0)).toBe(sliders(lesson));
  }, 120_000);

  it('a section with more than fits goes on continued slides that fit', async () => {
    const long = 'This sentence is long on purpose, so that it wraps over more than one line of a slide and takes room';
    const controls = Array.from({ length: 9 }, (_, i) => ['```ts', `const knob${i} = view(Inputs.range([0, 1], { label: "A control with a label long enough to wrap ${i}" }))`, '```', ''].join('\n'));
    const code = ['```python', ...Array.from({ length: 12 }, (_, i) => `layer_${i} = Dense(${i})`), '```', ''].join('\n');
    const lesson = ['# Stress', '', '## Crowded', '', `${long}. ${long}. ${long}:`, '', code, ...controls].join('\n');
    const { deck, slides } = await fit(lesson);
    expect(cutOff(slides)).toEqual([]);
    expect(slides.filter((s) => s.title.startsWith('Crowded')).length).toBeGreaterThan(1);
    expect(slides.reduce((n, s) => n + s.controls, 0)).toBe(9);
    expect(deck).toContain('layer_11 = Dense(11)');
  }, 120_000);
});
