/**
 * Lesson 8's page as a learner meets it on a static host, in Chromium: the built site (`vite build`)
 * served under a sub-path without COOP/COEP headers, like GitHub Pages.
 *
 *   npm run bench:page            (or: npx tsx bench/lesson8-page.ts [--no-restart])
 *
 * Prints what the page fetched before training began and by the end of the first epoch (bytes,
 * the largest files), and the long tasks (PerformanceObserver 'longtask': main-thread work of
 * 50 ms or more, which delays input and frames) while the page loads, during the default run, and
 * after a "Trainable layers" change that lands mid-run and restarts it: count, longest and the time
 * from that input event to the next frame. Figures only, never a verdict: on a shared machine
 * timings vary from run to run (bytes do not).
 */
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/browser/harness.ts';
import { startStaticServer } from '../test/browser/static-server.ts';
import { buildSite, describeLongTasks, longTasks, megabytes, recordLongTasks, recordTraffic } from '../test/browser/built-site.ts';

const restart = !process.argv.includes('--no-restart');

/** Page time (performance.now) once the progress line's text matches `pattern`, polled every 50 ms. */
async function whenProgress(page: Page, pattern: RegExp, timeoutMs = 600_000): Promise<number> {
  const handle = await page.waitForFunction(
    (source) => {
      const line = [...document.querySelectorAll('.lectern-progress')].map((p) => p.textContent ?? '').join('\n');
      return new RegExp(source).test(line) ? performance.now() : false;
    },
    pattern.source,
    { timeout: timeoutMs, polling: 50 },
  );
  return (await handle.jsonValue()) as number;
}

/** Sets "Trainable layers" as a drag does; resolves with the ms from the input event to the next frame. */
function moveTrainableLayers(page: Page, value: number): Promise<{ at: number; toFrame: number }> {
  return page.evaluate(
    (value) =>
      new Promise<{ at: number; toFrame: number }>((resolve, reject) => {
        const form = [...document.querySelectorAll('form')].find((f) => f.querySelector('label')?.textContent?.trim() === 'Trainable layers');
        const range = form?.querySelector<HTMLInputElement>('input[type=range]');
        if (!range) return reject(new Error('no "Trainable layers" range'));
        const at = performance.now();
        range.value = String(value);
        range.dispatchEvent(new Event('input', { bubbles: true }));
        requestAnimationFrame(() => setTimeout(() => resolve({ at, toFrame: performance.now() - at })));
      }),
    value,
  );
}

const site = await buildSite();
const server = await startStaticServer({ root: site.outDir, base: '/course/' });
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  const traffic = await recordTraffic(page);
  await recordLongTasks(page);
  await page.goto(`${server.url}lesson.html?lesson=08-fine-tuning`);

  const trainingStarts = await whenProgress(page, /Epoch 1 of \d+: preparing/);
  const atStart = traffic.total();
  const firstEpoch = await whenProgress(page, /Epoch 1 of \d+ ·|Done:/);
  await traffic.idle();
  console.log(`bytes fetched before training began: ${megabytes(atStart)}; by the end of epoch 1: ${megabytes(traffic.total())} in ${traffic.list().length} requests`);
  for (const f of traffic.list().slice(0, 8)) console.log(`  ${megabytes(f.bytes).padStart(9)}  ${f.url.replace(server.url, '')}`);

  const done = await whenProgress(page, /Done:/);
  const tasks = await longTasks(page);
  console.log(`page load until training began (${(trainingStarts / 1000).toFixed(1)} s): ${describeLongTasks(tasks, 0, trainingStarts)}`);
  console.log(`feature pass + epoch 1 (${((firstEpoch - trainingStarts) / 1000).toFixed(1)} s): ${describeLongTasks(tasks, trainingStarts, firstEpoch)}`);
  console.log(`epochs 2 to the end (${((done - firstEpoch) / 1000).toFixed(1)} s): ${describeLongTasks(tasks, firstEpoch, done)}`);
  console.log(`whole default run (${((done - trainingStarts) / 1000).toFixed(1)} s): ${describeLongTasks(tasks, trainingStarts, done)}`);

  if (restart) {
    // A run to interrupt (the default one is over), then two changes that land mid-run: each stops
    // the run, the summary follows, a new run starts.
    await page.evaluate(() => {
      const form = [...document.querySelectorAll('form')].find((f) => f.querySelector('label')?.textContent?.trim() === 'Trainable layers');
      const range = form?.querySelector<HTMLInputElement>('input[type=range]');
      if (!range) throw new Error('no "Trainable layers" range');
      range.value = '6';
      range.dispatchEvent(new Event('input', { bubbles: true }));
    });
    const changes: { at: number; toFrame: number; until: number }[] = [];
    for (const value of [5, 4]) {
      await whenProgress(page, /Epoch [2-9] of \d+ ·/);
      const change = await moveTrainableLayers(page, value);
      // The stopped run's line said epoch 2 or later: epoch 1 is the new run's.
      changes.push({ ...change, until: await whenProgress(page, /Epoch 1 of \d+ ·/) });
    }
    const after = await longTasks(page);
    for (const change of changes) {
      const until = change.until;
      console.log(`"Trainable layers" moved mid-run: input to next frame ${Math.round(change.toFrame)} ms; until the new run's first epoch ended: ${describeLongTasks(after, change.at, until)}`);
    }
  }
} finally {
  await browser.close();
  await server.close();
  site.remove();
}
