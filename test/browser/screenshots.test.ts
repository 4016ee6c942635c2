/**
 * Layout regressions fail CI: the course index, a lesson page and the lesson 8 deck, in the dark
 * scheme at 1280×800 and on a 390 px phone, compared with approved images in
 * test/browser/screenshots/ (a small tolerance for anti-aliasing).
 *
 * Made to render the same on any Debian machine with Chromium: every text in DejaVu Sans / Sans Mono
 * (fonts-dejavu-core, which .ci/run installs), no caret, no animation, the viewport only, and only
 * pages whose content does not change (no training, no clock). The comparison runs in Chromium
 * itself (canvas pixels), so no image library is needed.
 *
 * To approve new images after an intended change: UPDATE_SCREENSHOTS=1 npx vitest run
 * test/browser/screenshots.test.ts, look at the files it wrote, commit them. A failing comparison
 * writes the new image and a diff (changed pixels in red) next to the system's temp directory and
 * names them.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, PROJECT_ROOT, startDevServer, type RunningServer } from './harness.ts';

const APPROVED = join(PROJECT_ROOT, 'test/browser/screenshots');
const UPDATE = process.env.UPDATE_SCREENSHOTS === '1';
/** A pixel differs when a channel moves by more than this (anti-aliasing moves a few). */
const CHANNEL_TOLERANCE = 48;
/** The share of pixels that may differ: edges of glyphs between Chromium versions, not a moved box. */
const PIXEL_SHARE = 0.01;

const STEADY_CSS = `
*, *::before, *::after { font-family: 'DejaVu Sans', sans-serif !important; caret-color: transparent !important;
  animation: none !important; transition: none !important; }
pre, pre *, code, code *, .cm-editor, .cm-editor * { font-family: 'DejaVu Sans Mono', monospace !important; }`;

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Shot {
  name: string;
  path: string;
  /** Ready when this matches and nothing is pending. */
  ready: string;
}

const SHOTS: Shot[] = [
  { name: 'index', path: '/index.html', ready: '#course[data-ready="true"]' },
  { name: 'lesson', path: '/lesson.html?lesson=00-how-lessons-work', ready: '#lesson[data-ready="true"]' },
  { name: 'deck', path: '/slides.html?deck=08-fine-tuning&slide=1', ready: '#lectern-slides[data-ready="true"]' },
];
const LAYOUTS = [
  { name: 'dark', colorScheme: 'dark' as const, viewport: { width: 1280, height: 800 } },
  { name: 'phone', colorScheme: 'light' as const, viewport: { width: 390, height: 844 } },
];

async function steadyScreenshot(page: Page, shot: Shot): Promise<Buffer> {
  await page.goto(`${server.url}${shot.path}`);
  await page.waitForSelector(shot.ready, { timeout: 90_000 });
  await page.addStyleTag({ content: STEADY_CSS });
  // Cells settle (no "running…"), fonts and images load, layout stops moving.
  await expect.poll(() => page.locator('.cell.is-pending').count(), { timeout: 90_000 }).toBe(0);
  await page.evaluate(async () => {
    await document.fonts.ready;
    await Promise.all([...document.images].map((img) => (img.complete ? null : img.decode().catch(() => null))));
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  });
  return page.screenshot({ animations: 'disabled', caret: 'hide' });
}

/** Share of pixels differing beyond the tolerance, and a diff image (PNG), computed in the page. */
async function compare(page: Page, actual: Buffer, approved: Buffer): Promise<{ share: number; sameSize: boolean; diff: Buffer }> {
  const result = await page.evaluate(
    async ({ a, b, tolerance }) => {
      const load = async (data: string) => {
        const image = new Image();
        image.src = `data:image/png;base64,${data}`;
        await image.decode();
        return image;
      };
      const [ia, ib] = await Promise.all([load(a), load(b)]);
      if (ia.width !== ib.width || ia.height !== ib.height) return { share: 1, sameSize: false, diff: '' };
      const pixels = (image: HTMLImageElement) => {
        const canvas = document.createElement('canvas');
        canvas.width = image.width;
        canvas.height = image.height;
        const context = canvas.getContext('2d')!;
        context.drawImage(image, 0, 0);
        return { canvas, context, data: context.getImageData(0, 0, image.width, image.height) };
      };
      const pa = pixels(ia);
      const pb = pixels(ib);
      const out = pa.context.createImageData(ia.width, ia.height);
      let differing = 0;
      for (let i = 0; i < pa.data.data.length; i += 4) {
        let worst = 0;
        for (let c = 0; c < 3; c += 1) worst = Math.max(worst, Math.abs(pa.data.data[i + c]! - pb.data.data[i + c]!));
        const grey = pb.data.data[i]! * 0.3 + pb.data.data[i + 1]! * 0.59 + pb.data.data[i + 2]! * 0.11;
        if (worst > tolerance) {
          differing += 1;
          out.data.set([255, 0, 0, 255], i);
        } else {
          out.data.set([grey, grey, grey, 96], i);
        }
      }
      pa.context.putImageData(out, 0, 0);
      return { share: differing / (ia.width * ia.height), sameSize: true, diff: pa.canvas.toDataURL('image/png').split(',')[1]! };
    },
    { a: actual.toString('base64'), b: approved.toString('base64'), tolerance: CHANNEL_TOLERANCE },
  );
  return { share: result.share, sameSize: result.sameSize, diff: Buffer.from(result.diff, 'base64') };
}

describe('screenshots against approved images', { timeout: 240_000 }, () => {
  for (const layout of LAYOUTS) {
    for (const shot of SHOTS) {
      it(`${shot.name}, ${layout.name} (${layout.viewport.width}×${layout.viewport.height}, ${layout.colorScheme})`, async () => {
        const page = await browser.newPage({ viewport: layout.viewport, colorScheme: layout.colorScheme, deviceScaleFactor: 1 });
        try {
          const actual = await steadyScreenshot(page, shot);
          const file = join(APPROVED, `${shot.name}-${layout.name}.png`);
          if (UPDATE) {
            mkdirSync(APPROVED, { recursive: true });
            writeFileSync(file, actual);
            return;
          }
          if (!existsSync(file)) throw new Error(`No approved image ${file}: run UPDATE_SCREENSHOTS=1 npx vitest run test/browser/screenshots.test.ts, check it, commit it`);
          const { share, sameSize, diff } = await compare(page, actual, readFileSync(file));
          if (!sameSize || share > PIXEL_SHARE) {
            const out = mkdtempSync(join(tmpdir(), 'lectern-screenshot-'));
            writeFileSync(join(out, 'actual.png'), actual);
            if (diff.length) writeFileSync(join(out, 'diff.png'), diff);
            throw new Error(`${shot.name} (${layout.name}) differs from ${file}: ${sameSize ? `${(share * 100).toFixed(2)}% of pixels` : 'another size'} (allowed ${PIXEL_SHARE * 100}%); new image and diff in ${out}`);
          }
          expect(share).toBeLessThanOrEqual(PIXEL_SHARE);
        } finally {
          await page.close();
        }
      });
    }
  }
});
