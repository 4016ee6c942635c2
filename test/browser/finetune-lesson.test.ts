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

const text = () => page.locator('#lesson').innerText();
const trainableTotal = async () => /Trainable params:\s*([\d,]+)/.exec(await text())?.[1];

interface Activity { started: number; running: number; maxRunning: number; completed: number; stopped: number }
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
    for (const [value, total] of [[0, '0'], [4, '412,800']] as const) {
      const start = Date.now();
      await setRange('Trainable layers', value);
      await expect.poll(trainableTotal, { timeout: 30_000, interval: 5 }).toBe(total);
      measured.push(Date.now() - start);
    }
    console.log(`summary update after a slider change: ${measured.join(' ms, ')} ms (goal <= 100 ms)`);
  });

  it('training completes and the diagnosis card appears', { timeout: 300_000 }, async () => {
    await setRange('Training images', 200);
    await setRange('Epochs', 2);
    await waitForDiagnosis();
    const card = page.locator('.lectern-diagnosis');
    expect(await card.getAttribute('data-verdict')).toMatch(/^(underfitting|overfitting|good fit|still learning)$/);
    expect(await card.locator('a').getAttribute('href')).toMatch(/^#/);
    console.log(`backend line: ${/Running on [^\n]*/.exec(await text())?.[0]}; ${/Done: [^\n]*/.exec(await text())?.[0]}`);
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
    const after = await engineState();
    expect(after.activity.maxRunning).toBe(1); // never two trainings at once
    expect(after.activity.completed - settled.activity.completed).toBe(1); // only the last value trained to the end
    expect(after.numTensors).toBe(settled.numTensors);
  });
});
