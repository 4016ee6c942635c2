/**
 * Backends in real Chromium: a small convolutional model (Conv2D, DepthwiseConv2D
 * with multiplier 2, BatchNormalization, ReLU6) trains on wasm — with Lectern's
 * gradient kernels — and on webgl (SwiftShader here), in the dev server and in the
 * production build served by `vite preview` (COOP/COEP: threaded WASM); a lost
 * WebGL context switches to WASM; a backend that cannot start falls back with a
 * message naming the backend in use.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, launchBrowser, PROJECT_ROOT, startDevServer, type RunningServer } from './harness.ts';

const FIXTURE = 'test/browser/fixtures/backends.html';

interface State {
  status: { requested: string; active: string; fellBack: boolean; message: string; wasm?: { threads: boolean; threadsCount: number; simd: boolean } } | null;
  crossOriginIsolated: boolean;
  messages: string[];
  switching: boolean;
}
interface Trained {
  backend: string;
  losses: number[];
  tensorsLeaked: number;
}

async function openFixture(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Ready.', null, { timeout: 60_000 }).catch(() => {
    throw new Error(`backends fixture did not load: ${errors.join('; ') || 'no page error'}`);
  });
  return page;
}

const start = (page: Page, name: string, options: { missingWasm?: boolean } = {}) =>
  page.evaluate(([n, o]) => window.lecternBackendTest.start(n as 'wasm', o), [name, options] as const) as Promise<State>;
const train = (page: Page, steps: number) => page.evaluate((s) => window.lecternBackendTest.train(s), steps) as Promise<Trained>;
const adam = (page: Page) => page.evaluate(() => window.lecternBackendTest.adam());

function expectLearning(result: Trained, backend: string): void {
  expect(result.backend).toBe(backend);
  expect(result.tensorsLeaked).toBe(0);
  expect(result.losses.every(Number.isFinite)).toBe(true);
  expect(result.losses.at(-1)!).toBeLessThan(result.losses[0]);
}

/** Trains on wasm and on webgl, then loses the WebGL context and trains on wasm again. */
async function trainsOnBothBackends(page: Page, threaded: boolean): Promise<void> {
  const wasm = await start(page, 'wasm');
  expect(wasm.status).toMatchObject({ active: 'wasm', fellBack: false });
  expect(wasm.crossOriginIsolated).toBe(threaded);
  expect(wasm.status!.wasm).toMatchObject({ threads: threaded, simd: true });
  expectLearning(await train(page, 6), 'wasm');
  // Lectern's Adam: the fused SIMD kernel on wasm (shared memory when threaded), equal to tfjs's.
  expect(await adam(page)).toEqual({ backend: 'wasm', largestDifference: 0, fusedKernel: true, tensorsLeaked: 0 });

  const webgl = await start(page, 'webgl');
  expect(webgl.status).toMatchObject({ active: 'webgl', fellBack: false, message: 'Running on WebGL.' });
  expectLearning(await train(page, 6), 'webgl');
  expect(await adam(page)).toMatchObject({ backend: 'webgl', fusedKernel: false, tensorsLeaked: 0 });

  const afterLoss = (await page.evaluate(() => window.lecternBackendTest.loseWebGL())) as State;
  expect(afterLoss.status!.active).toBe('wasm');
  expect(afterLoss.messages).toContain('The WebGL context was lost; switching to WASM.');
  expectLearning(await train(page, 4), 'wasm');
  await expect(page.locator('#status')).toBeDefined();
  expect(await page.locator('#status').textContent()).toContain('The WebGL context was lost; switching to WASM.');
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('dev server', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startDevServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('trains on wasm (threaded under COOP/COEP) and webgl; a lost WebGL context switches to wasm', async () => {
    const page = await openFixture(browser, `${server.url}/${FIXTURE}`);
    await trainsOnBothBackends(page, true);
    await page.close();
  }, 180_000);

  it('falls back to cpu, saying so, when the wasm binaries cannot be fetched', async () => {
    const page = await openFixture(browser, `${server.url}/${FIXTURE}`);
    const state = await start(page, 'wasm', { missingWasm: true });
    expect(state.status).toMatchObject({ requested: 'wasm', active: 'cpu', fellBack: true });
    expect(state.status!.message).toMatch(/^WASM could not start \(.+\)\. Running on CPU\.$/);
    expect(await page.locator('#status').textContent()).toContain('Running on CPU.');
    expectLearning(await train(page, 3), 'cpu');
    await page.close();
  }, 120_000);

  it('falls back from webgl to wasm, saying so, where the browser has no WebGL', async () => {
    // Without the software rasterizer headless Chromium has no WebGL at all.
    const noGl = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_FLAGS, '--disable-gpu', '--disable-software-rasterizer'] });
    try {
      const page = await openFixture(noGl, `${server.url}/${FIXTURE}`);
      const state = await start(page, 'webgl');
      expect(state.status).toMatchObject({ requested: 'webgl', active: 'wasm', fellBack: true });
      expect(state.status!.message).toMatch(/^WebGL could not start \(.+\)\. Running on WASM/);
      expectLearning(await train(page, 3), 'wasm');
    } finally {
      await noGl.close();
    }
  }, 120_000);
});

describe('production build (vite build + vite preview)', () => {
  let outDir: string;
  let server: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'lectern-backends-'));
    // The project's own config (minify off for the threaded WASM worker, COOP/COEP on preview), this page only.
    await build({
      root: PROJECT_ROOT,
      logLevel: 'error',
      build: { outDir, emptyOutDir: true, rolldownOptions: { input: join(PROJECT_ROOT, FIXTURE) } },
    });
    const previewServer = await preview({ root: PROJECT_ROOT, logLevel: 'error', build: { outDir }, preview: { port: 0, host: '127.0.0.1' } });
    const address = previewServer.httpServer.address();
    if (!address || typeof address === 'string') throw new Error('vite preview has no TCP address');
    server = {
      url: `http://127.0.0.1:${address.port}`,
      close: () => new Promise<void>((resolve) => previewServer.httpServer.close(() => resolve())),
    };
  }, 300_000);
  afterAll(async () => {
    await server?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('trains on threaded wasm and on webgl; a lost WebGL context switches to wasm', async () => {
    const page = await openFixture(browser, `${server.url}/${FIXTURE}`);
    await trainsOnBothBackends(page, true);
    await page.close();
  }, 180_000);
});
