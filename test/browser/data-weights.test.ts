/**
 * The offline data and the shipped pretrained base, loaded in real Chromium over fetch from the
 * Vite dev server (public/ is served at the site root), with the same modules Node uses.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_CLASSES, TASK_LABELS } from '../../src/ml/data/manifest.ts';
import { launchBrowser, startDevServer, type RunningServer } from './harness.ts';

let browser: Browser;
let server: RunningServer;
let page: Page;

beforeAll(async () => {
  server = await startDevServer();
  browser = await launchBrowser();
  page = await browser.newPage();
  // Any page of the origin will do: the modules are imported from inside it.
  await page.goto(`${server.url}/data/manifest.json`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('data and weights in the browser', () => {
  it('loadSplit and loadPretrainedBase fetch over HTTP, check, and give model-ready tensors and a working base', async () => {
    // A string, so that Vitest's transform does not rewrite the page-side import().
    const result = await page.evaluate(`(async () => {
      const data = await import('/src/ml/data/index.ts');
      const weights = await import('/src/ml/weights.ts');
      const split = await data.loadSplit({ task: 'target', split: 'validation', size: 32, limit: 20, baseUrl: '/data/' });
      const values = await split.x.data();
      const base = await weights.loadPretrainedBase({ baseUrl: '/models/pretrained/' });
      const features = base.predict(split.x);
      const featureValues = await features.data();
      const out = {
        shape: split.x.shape, labels: Array.from(await split.y.data()), classes: split.classes,
        min: values.reduce((a, b) => Math.min(a, b), Infinity), max: values.reduce((a, b) => Math.max(a, b), -Infinity),
        layers: base.layers.length, features: features.shape, finite: featureValues.every(Number.isFinite),
      };
      features.dispose();
      split.x.dispose();
      split.y.dispose();
      base.dispose();
      return out;
    })()`) as { shape: number[]; labels: number[]; classes: string[]; min: number; max: number; layers: number; features: number[]; finite: boolean };
    expect(result.shape).toEqual([20, 32, 32, 3]);
    expect(result.classes).toEqual(TASK_LABELS.target.map((l) => FASHION_MNIST_CLASSES[l]));
    expect(result.labels.every((l) => l >= 0 && l < 4)).toBe(true);
    expect(result.min).toBeGreaterThanOrEqual(-1);
    expect(result.max).toBeLessThanOrEqual(1);
    expect(result.layers).toBe(154);
    expect(result.features).toEqual([20, 1, 1, 1280]);
    expect(result.finite).toBe(true);
  }, 120_000);

  it('a wrong data URL gives an error naming the URL and npm run data', async () => {
    const message = await page.evaluate(`(async () => {
      const data = await import('/src/ml/data/index.ts');
      try {
        await data.loadSplit({ task: 'target', split: 'train', baseUrl: '/no-such-data/' });
        return 'loaded';
      } catch (error) {
        return error.message;
      }
    })()`) as string;
    expect(message).toMatch(/\/no-such-data\/manifest\.json: .*npm run data/);
  }, 60_000);
});
