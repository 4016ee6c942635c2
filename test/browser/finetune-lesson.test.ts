/**
 * Lesson 8 in real Chromium: the summary follows the "Trainable layers" slider, training runs to
 * the diagnosis, and a burst of slider changes ends in one training for the last value without
 * leaking tensors. Speed figures are printed (measured, never asserted: the machine is shared).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startDevServer, type RunningServer } from './harness.ts';

const LESSON = '/lesson.html?file=/notebooks/08-fine-tuning.md';
/** Generous waits: they bound waiting on a loaded machine, they assert no speed. */
const WAIT = { timeout: 240_000, interval: 250 };

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startDevServer();
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(`${server.url}${LESSON}`);
  await page.locator('#lesson[data-ready="true"]').waitFor({ timeout: 120_000 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Sets an Observable Inputs range (found by its label) the way a reader's drag does. */
async function setRange(label: string, value: number): Promise<void> {
  await page.evaluate(
    ([label, value]) => {
      const form = [...document.querySelectorAll('form')].find((f) => f.querySelector('label')?.textContent?.trim() === label);
      const range = form?.querySelector<HTMLInputElement>('input[type=range]');
      if (!range) throw new Error(`no range input labelled "${label}"`);
      range.value = String(value);
      range.dispatchEvent(new Event('input', { bubbles: true }));
    },
    [label, value] as const,
  );
}

/**
 * Moves "Trainable layers" and measures, inside the page, the time from the input event until the
 * summary's "Trainable params" shows `total` and the next frame has been produced: what a reader
 * sees. (Polling innerText from the test would add its own layout time to the figure.)
 */
async function timeSummaryUpdate(value: number, total: string): Promise<number> {
  return page.evaluate(
    ([value, total]) =>
      new Promise<number>((resolve, reject) => {
        const form = [...document.querySelectorAll('form')].find((f) => f.querySelector('label')?.textContent?.trim() === 'Trainable layers');
        const range = form?.querySelector<HTMLInputElement>('input[type=range]');
        const lesson = document.querySelector('#lesson');
        if (!range || !lesson) return reject(new Error('no "Trainable layers" range or #lesson'));
        const shown = () =>
          [...lesson.querySelectorAll('.lectern-summary-totals div')].some(
            (d) => d.querySelector('dt')?.textContent === 'Trainable params:' && d.querySelector('dd')?.textContent?.startsWith(`${total} `),
          );
        const start = performance.now();
        const done = () => requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - start)));
        const observer = new MutationObserver(() => {
          if (!shown()) return;
          observer.disconnect();
          done();
        });
        observer.observe(lesson, { childList: true, subtree: true, characterData: true });
        range.value = String(value);
        range.dispatchEvent(new Event('input', { bubbles: true }));
        setTimeout(() => {
          observer.disconnect();
          reject(new Error(`the summary did not show ${total} trainable parameters within 30 s`));
        }, 30_000);
      }),
    [value, total] as const,
  );
}

const text = () => page.locator('#lesson').innerText();
const trainableTotal = async () => /Trainable params:\s*([\d,]+)/.exec(await text())?.[1];

interface Activity { started: number; running: number; maxRunning: number; stopping: number; completed: number; stopped: number }
/** The engine's counters and tfjs's live tensor count, read from the page's own module instances. */
async function engineState(): Promise<{ activity: Activity; numTensors: number }> {
  // A string, so that Vitest does not rewrite the page's dynamic import() for Node.
  return page.evaluate(`(async () => {
    const { fineTuneActivity } = await import('/src/ml/finetune.ts');
    return { activity: { ...fineTuneActivity }, numTensors: globalThis._tfengine.memory().numTensors };
  })()`);
}

async function waitForDiagnosis(): Promise<void> {
  // Progress on the console while waiting (the run can take minutes on a loaded machine).
  const report = setInterval(async () => console.log((await text().catch(() => '')).match(/(Running on|Epoch \d+ of|Done:|[^\n]*could not)[^\n]*/g)?.join(' | ')), 15_000);
  try {
    await expect.poll(async () => (await page.locator('.lectern-diagnosis').count()) > 0 && /Done: /.test(await text()), WAIT).toBe(true);
  } finally {
    clearInterval(report);
  }
}

describe('lesson 8 in Chromium', () => {
  it('moving "Trainable layers" updates the summary\'s trainable total at once', async () => {
    await expect.poll(trainableTotal, WAIT).toBe('412,800');
    const measured: number[] = [];
    for (const [value, total] of [[0, '0'], [4, '412,800'], [0, '0'], [4, '412,800']] as const) {
      measured.push(Math.round(await timeSummaryUpdate(value, total)));
      expect(await trainableTotal()).toBe(total);
    }
    console.log(`summary update after a slider change (input event to next frame): ${measured.join(' ms, ')} ms (goal <= 100 ms)`);
  });

  it('training completes and the diagnosis card appears', { timeout: 300_000 }, async () => {
    await setRange('Training images', 200);
    await setRange('Epochs', 2);
    await waitForDiagnosis();
    const card = page.locator('.lectern-diagnosis');
    expect(await card.getAttribute('data-verdict')).toMatch(/^(underfitting|overfitting|good fit|still learning|batchnorm statistics)$/);
    expect(await card.locator('a').getAttribute('href')).toMatch(/^#/);
    console.log(`backend line: ${/Running on [^\n]*/.exec(await text())?.[0]}; ${/Done: [^\n]*/.exec(await text())?.[0]}`);
  });

  it('the summary follows "Trainable layers" while a training runs (the engine yields between steps)', { timeout: 300_000 }, async () => {
    await waitForDiagnosis();
    await setRange('Epochs', 5);
    const training = async () => /Epoch \d+ of 5 · /.test(await text()); // an epoch done, the next one training
    await expect.poll(training, WAIT).toBe(true);
    const measured: number[] = [];
    for (const [value, total] of [[5, '720,000'], [4, '412,800']] as const) {
      measured.push(Math.round(await timeSummaryUpdate(value, total)));
      expect(await trainableTotal()).toBe(total);
      await expect.poll(training, WAIT).toBe(true);
    }
    console.log(`summary update after a slider change during training (input event to next frame): ${measured.join(' ms, ')} ms (goal <= 100 ms)`);
  });

  it('30 changes of "Trainable layers" within 3 s end in one training, for the last value, leaking nothing', { timeout: 600_000 }, async () => {
    await waitForDiagnosis();
    const settled = await engineState(); // after a complete run at these settings (last 4 trainable)
    for (let i = 0; i < 30; i++) {
      await setRange('Trainable layers', i === 29 ? 4 : 1 + (i % 8));
      await page.waitForTimeout(90);
    }
    await waitForDiagnosis();
    await expect.poll(async () => /last 4 layers trainable/.test(await text()), WAIT).toBe(true);
    await expect.poll(async () => (await engineState()).activity.running, WAIT).toBe(0);
    await expect.poll(async () => (await engineState()).activity.stopping, WAIT).toBe(0); // stale runs have freed everything
    const after = await engineState();
    expect(after.activity.maxRunning).toBe(1); // never two trainings at once (an aborted run does no more work)
    expect(after.activity.completed - settled.activity.completed).toBe(1); // only the last value trained to the end
    expect(after.numTensors).toBe(settled.numTensors);
  });
});
