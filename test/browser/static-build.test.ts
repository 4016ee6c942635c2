/**
 * The static build, as a course would host it: `vite build` (the project's config) into a temporary
 * directory, served by a plain static server under a sub-path and without COOP/COEP headers (like
 * GitHub Pages). The pages load with relative URLs, a lesson section trains a tiny model on WASM
 * (single-threaded, and the page says so), and the deck runs its live cells.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, launchBrowser, PROJECT_ROOT, type RunningServer } from './harness.ts';
import { startStaticServer } from './static-server.ts';

const SUB_PATH = '/courses/keras/';
let outDir: string;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'lectern-dist-'));
  await build({ root: PROJECT_ROOT, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  // A lesson of the course site's own, next to the build (read by <lectern-lesson src>).
  cpSync(join(PROJECT_ROOT, 'test/fixtures/build/tiny-wasm.md'), join(outDir, 'tiny-wasm.md'));
  [server, browser] = await Promise.all([startStaticServer({ root: outDir, base: SUB_PATH }), launchBrowser()]);
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** The text of every cell output in the page's embeds, and whether each cell is still running. */
function cellOutputs(page: Page): Promise<string> {
  return page.evaluate(() =>
    [...document.querySelectorAll('lectern-lesson')]
      .flatMap((el) => [...(el.shadowRoot?.querySelectorAll('.cell') ?? [])])
      .map((cell) => `${cell.classList.contains('is-pending') ? '[running] ' : ''}${cell.querySelector('.cell-output')?.textContent ?? ''}`)
      .join('\n'),
  );
}

async function open(path: string): Promise<{ page: Page; errors: string[]; failed: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  const failed: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('favicon.ico')) failed.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(`${server.url}${path}`);
  return { page, errors, failed };
}

describe('dist/ with vite preview (COOP/COEP sent)', () => {
  it('is cross-origin isolated and trains on WASM there too', async () => {
    const previewServer = await preview({ root: PROJECT_ROOT, logLevel: 'error', build: { outDir }, preview: { port: 0, host: '127.0.0.1', open: false } });
    try {
      const url = previewServer.resolvedUrls?.local[0];
      if (!url) throw new Error('vite preview has no local URL');
      const page = await browser.newPage();
      await page.goto(`${url}embed.html?src=tiny-wasm.md`);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      const output = page.locator('lectern-lesson output.tiny-run');
      // Polls the cells' outputs, so a timeout shows where the lesson stopped (error, still running).
      await expect.poll(() => cellOutputs(page), { timeout: 120_000 }).toContain('"backend"');
      const run = JSON.parse((await output.textContent())!) as { backend: string; losses: number[]; leaked: number; message: string };
      expect(run.backend).toBe('wasm');
      // The threaded binary started: its worker runs the factory that the build leaves unmangled.
      expect(run.message).toMatch(/threaded, \d+ threads?, SIMD/);
      expect(run.losses.at(-1)!).toBeLessThan(run.losses[0]!);
      expect(run.leaked).toBe(0);
      expect(await page.locator('lectern-lesson [role="note"]').count()).toBe(0);
      await page.close();
    } finally {
      await previewServer.close();
    }
  }, 240_000);
});

describe('dist/ under a sub-path without COOP/COEP', () => {
  it('writes every page, the embed script and stylesheet, the lessons and the wasm binaries', () => {
    for (const file of ['index.html', 'lesson.html', 'slides.html', 'embed.html', 'lectern.js', 'lectern.css', 'notebooks/08-fine-tuning.md', 'slides/08-fine-tuning.md']) {
      expect(existsSync(join(outDir, file)), file).toBe(true);
    }
  });

  it('trains a tiny model on WASM, single-threaded, and says so', async () => {
    const { page, errors, failed } = await open('embed.html?src=tiny-wasm.md');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    const output = page.locator('lectern-lesson output.tiny-run');
    await expect.poll(() => cellOutputs(page), { timeout: 120_000 }).toContain('"backend"');
    const run = JSON.parse((await output.textContent())!) as { backend: string; losses: number[]; leaked: number; message: string; images: { shape: number[]; classes: number } };
    expect(run.backend).toBe('wasm');
    // The data shards load from their default location under the sub-path.
    expect(run.images).toEqual({ shape: [8, 32, 32, 3], classes: 4 });
    expect(run.message).toContain('single-threaded');
    expect(run.losses).toHaveLength(6);
    expect(run.losses.every(Number.isFinite)).toBe(true);
    expect(run.losses.at(-1)!).toBeLessThan(run.losses[0]!);
    expect(run.leaked).toBe(0);
    expect(await page.locator('lectern-lesson [role="note"]').textContent()).toContain('single-threaded');
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await page.close();
  }, 240_000);

  it('serves the course index, a lesson page and the deck with its live cells', async () => {
    const index = await open('index.html');
    await index.page.locator('a[href*="lesson.html?lesson=08-fine-tuning"]').first().waitFor({ timeout: 60_000 });
    await index.page.close();

    const lesson = await open('lesson.html?lesson=00-how-lessons-work');
    await lesson.page.waitForSelector('#lesson[data-ready="true"]', { timeout: 60_000 });
    expect(lesson.errors).toEqual([]);
    await lesson.page.close();

    const deck = await open('slides.html?deck=08-fine-tuning&slide=4');
    await deck.page.waitForSelector('#lectern-slides[data-ready="true"]', { timeout: 60_000 });
    await expect.poll(() => deck.page.locator('.lectern-say').first().textContent(), { timeout: 60_000 }).toMatch(/parameters train/);
    expect(deck.errors).toEqual([]);
    // The built stylesheets' order must not decide the toolbar's colours (the counter was near-black on it).
    expect(await axeViolations(deck.page, { include: '.lectern-deck-bar' })).toEqual([]);
    // Allowed 404s: the deck's deliberately missing image (shown as its alt text) and, until the
    // pretrained weights ship in public/models/, their model.json (the deck then builds an untrained base).
    const allowed = new Set(['404 qr-code-1.webp', '404 model.json']);
    expect(deck.failed.map((f) => f.replace(/http\S*\//, '')).filter((f) => !allowed.has(f))).toEqual([]);
    await deck.page.close();
  });
});
