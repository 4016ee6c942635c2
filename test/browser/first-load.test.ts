/**
 * What a learner's browser downloads before lesson 8 trains, on the static build (`vite build`)
 * served like GitHub Pages (sub-path, no COOP/COEP): bytes on the wire until the first epoch of
 * the default run has ended and what it asked for has arrived, counted by Chromium. Bytes are deterministic, so the test asserts a
 * bound (the issue's goal, 8 MB, was 29.3 MB before the data came in files of 500 images and the
 * JavaScript was minified); it also checks that only the data files the run uses are fetched, and
 * that a missing one is named, with what to run, at the cell that needed it.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COURSE } from '../../src/course/fine-tuning.ts';
import { IMAGES_PER_FILE } from '../../src/ml/data/manifest.ts';
import { buildSite, megabytes, recordTraffic } from './built-site.ts';
import { launchBrowser, type RunningServer } from './harness.ts';
import { startStaticServer } from './static-server.ts';

/** The issue's goal for the first load. Measured: see the printed figure. */
const FIRST_LOAD_BOUND = 8e6;
const SUB_PATH = '/course/';

let site: Awaited<ReturnType<typeof buildSite>>;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  site = await buildSite();
  [server, browser] = await Promise.all([startStaticServer({ root: site.outDir, base: SUB_PATH }), launchBrowser()]);
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  site?.remove();
});

const progress = (page: Page) => page.evaluate(() => [...document.querySelectorAll('.lectern-progress')].map((p) => p.textContent ?? '').join('\n'));

describe('lesson 8 on a static host, first load', () => {
  it(`fetches under ${megabytes(FIRST_LOAD_BOUND)} before the first epoch ends, and only the data files the run reads`, { timeout: 600_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const traffic = await recordTraffic(page);
    await page.goto(`${server.url}lesson.html?lesson=08-fine-tuning`);
    await expect.poll(() => progress(page), { timeout: 540_000, interval: 250 }).toMatch(/Epoch 1 of \d+ ·|Done:/);
    // What the first epoch's outputs asked for (the curves' code) counts too, whenever it arrives.
    await traffic.idle();
    const total = traffic.total();
    const fetched = traffic.list();
    console.log(`lesson 8 first load: ${megabytes(total)} in ${fetched.length} requests before the end of epoch 1; largest: ${
      fetched.slice(0, 6).map((f) => `${f.url.replace(server.url, '')} ${megabytes(f.bytes)}`).join(', ')}`);
    const dataFiles = fetched.map((f) => f.url.replace(server.url, '')).filter((url) => url.startsWith('data/') && url.endsWith('.bin')).sort();
    const files = (split: string, images: number) =>
      Array.from({ length: Math.ceil(images / IMAGES_PER_FILE) }, (_, i) => `data/${COURSE.task}-${split}-${String(i).padStart(3, '0')}.bin`);
    // The lesson's default: 1,000 training and 500 validation images, in files of 500.
    expect(dataFiles).toEqual([...files('train', COURSE.trainImages), ...files('validation', COURSE.validationImages)]);
    expect(total).toBeLessThan(FIRST_LOAD_BOUND);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('names a missing data file and says to run npm run data, at the cell that needed it', { timeout: 300_000 }, async () => {
    rmSync(join(site.outDir, 'data', `${COURSE.task}-train-001.bin`));
    const page = await browser.newPage();
    await page.goto(`${server.url}lesson.html?lesson=08-fine-tuning`);
    const message = page.locator('.cell-error', { hasText: `${COURSE.task}-train-001.bin` });
    await message.first().waitFor({ timeout: 240_000 });
    expect(await message.first().textContent()).toMatch(new RegExp(`data/${COURSE.task}-train-001\\.bin: could not be fetched \\(HTTP 404\\)\\. Run \`npm run data\``));
    await page.close();
  });
});
