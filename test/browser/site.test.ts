/**
 * The course index in Chromium: every lesson as a course entry (title, description, time, slides,
 * exercises done), progress read from what the lesson pages store, and followed live from another tab.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { parseLesson } from '../../src/lesson/parse.ts';
import { progressKey } from '../../src/host/progress.ts';
import { launchBrowser, startDevServer, type RunningServer } from './harness.ts';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const LESSON = '08-fine-tuning';
const exercises = parseLesson(readFileSync(`notebooks/${LESSON}.md`, 'utf8'), { path: `notebooks/${LESSON}.md` }).exercises;

describe('course index', () => {
  it('lists each lesson with its description, time, slides and the exercises done in this browser', async () => {
    expect(exercises.length).toBeGreaterThan(0);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/index.html`);
    await page.waitForSelector('#course[data-ready="true"]', { timeout: 90_000 });
    const cards = await page.locator('.lesson-card').evaluateAll((items) =>
      items.map((li) => ({
        title: li.querySelector('h2 a')?.textContent,
        href: li.querySelector('h2 a')?.getAttribute('href'),
        description: li.querySelector('.lesson-description')?.textContent ?? '',
        time: li.querySelector('.lesson-time')?.textContent,
        slides: li.querySelector('.lesson-deck')?.getAttribute('href') ?? null,
        progress: li.querySelector('.lesson-progress-text')?.textContent,
      })),
    );
    expect(cards.map((c) => c.title)).toEqual(['How lessons work', 'Callbacks', 'Fine-tuning']);
    const fineTuning = cards.find((c) => c.title === 'Fine-tuning')!;
    expect(fineTuning.href).toBe(`./lesson.html?lesson=${LESSON}`);
    expect(fineTuning.slides).toBe(`slides.html?deck=${LESSON}`);
    expect(fineTuning.time).toMatch(/^about \d+ (min|h)/);
    expect(fineTuning.description.length).toBeGreaterThan(20);
    expect(fineTuning.progress).toBe(`Not started: ${exercises.length} exercise${exercises.length === 1 ? '' : 's'}`);
    expect(cards[0]!.slides).toBeNull();

    // A lesson page (another tab) records a passed exercise: the index follows without a reload.
    const lessonTab = await context.newPage();
    await lessonTab.goto(`${server.url}/index.html`);
    await lessonTab.evaluate(({ key, id }) => {
      localStorage.setItem(key, JSON.stringify({ version: 1, exercises: { [id]: { state: 'passed', message: 'ok', passedAt: Date.UTC(2026, 0, 1) } } }));
    }, { key: progressKey(LESSON), id: exercises[0]!.id });
    const progress = page.locator(`[data-progress="${LESSON}"] .lesson-progress-text`);
    const expected = exercises.length === 1 ? 'All 1 exercise done' : `1 of ${exercises.length} exercises done`;
    await expect.poll(() => progress.textContent()).toBe(expected);
    expect(await page.locator(`[data-progress="${LESSON}"] progress`).evaluate((p) => (p as HTMLProgressElement).value)).toBe(1);
    // And after a reload.
    await page.reload();
    await page.waitForSelector('#course[data-ready="true"]');
    expect(await progress.textContent()).toBe(expected);
    expect(await page.locator('.course-summary').textContent()).toMatch(new RegExp(`1 of \\d+ exercises done in this browser`));
    expect(errors).toEqual([]);
    await context.close();
  });
});
