/**
 * Lesson 7 (Callbacks) in real Chromium: EarlyStopping ends the 200-epoch run and restores its best
 * epoch (marked on the curves), a second run with another patience joins the first on the board,
 * the ModelCheckpoint file survives a reload in IndexedDB and, loaded into a fresh model, scores
 * what the checkpoint recorded; re-runs leak no tensors; axe finds no serious violation.
 * Nothing here asserts speed; the waits only bound a loaded machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, launchBrowser, startDevServer, type RunningServer } from './harness.ts';

const LESSON = '/lesson.html?lesson=07-callbacks';
/** Bounds on waiting, not speed claims: alone a run takes seconds, but a loaded 2-core machine (the full suite beside other work) can take minutes. */
const WAIT = { timeout: 600_000, interval: 100 };

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchBrowser()]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await open();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(reload = false): Promise<void> {
  if (reload) await page.reload();
  else await page.goto(`${server.url}${LESSON}`);
  await page.locator('#lesson[data-ready="true"]').waitFor({ timeout: 120_000 });
}

/** The text a cell shows (its output, not its source). */
const output = (id: string) => page.locator(`#${id} .cell-output`).innerText().catch(() => '');

/** Sets an Observable Inputs range (found by its label) the way a reader's drag does. */
async function setRange(label: string, value: number, on: Page = page): Promise<void> {
  await on.evaluate(
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

interface Done { epochs: number; stopped: number; restored: number }
/**
 * Waits until the board holds `runs` runs, the last one done, and reads from the progress line
 * where EarlyStopping stopped it and which epoch it restored (both come from the same yield).
 */
async function runEnd(runs: number): Promise<Done> {
  let done: Done | null = null;
  await expect.poll(async () => {
    const board = await boardRuns();
    if (board.length !== runs || board.at(-1)!.training) return false;
    const match = /Done: (\d+) epochs? in [\d.]+ s, [^;]+; early stopping at epoch (\d+), weights of epoch (\d+) restored\./.exec(await output('progress'));
    done = match ? { epochs: Number(match[1]), stopped: Number(match[2]), restored: Number(match[3]) } : null;
    return done !== null && board.at(-1)!.restored === done.restored;
  }, WAIT).toBe(true);
  return done!;
}

/** The runs the scalars view draws, by its legend: name, and whether each is done with a restored epoch. */
async function boardRuns(): Promise<{ name: string; restored: number | null; training: boolean }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('#scalars svg [data-legend]')].map((g) => {
      const text = g.textContent ?? '';
      const restored = /restored epoch (\d+)/.exec(text);
      return { name: g.getAttribute('data-legend')!, restored: restored ? Number(restored[1]) : null, training: /, training/.test(text) };
    }),
  );
}

const numTensors = () => page.evaluate(() => (globalThis as unknown as { _tfengine: { memory(): { numTensors: number } } })._tfengine.memory().numTensors);

/** "epoch 7 (val_loss 1.1799, val_accuracy 0.4240), 9.4 MB, saved 2026-01-01 10:00:00 UTC" of a checkpoint's line. */
const fileLine = (text: string) => /checkpoints\/best_model\.weights\.h5: (epoch \d+ \(val_loss [\d.]+, val_accuracy ([\d.]+)\), [\d.]+ MB, saved [\d-]+ ([\d:]+) UTC)/.exec(text);

describe('lesson 7 in Chromium', () => {
  let first: Done;

  it('EarlyStopping ends the 200-epoch run and restores its best epoch, marked on the curves', { timeout: 900_000 }, async () => {
    first = await runEnd(1);
    // patience 5, min_delta 0: it stops 5 epochs after the best, long before 200, and puts the best back.
    expect(first.epochs).toBe(first.stopped);
    expect(first.stopped).toBeLessThan(200);
    expect(first.stopped - first.restored).toBe(5);
    await expect.poll(() => output('early-stopping-result'), WAIT).toContain(`the model now holds the weights of epoch ${first.restored}.`);
    // ModelCheckpoint (save_best_only, strict) found the same best epoch on its own.
    await expect.poll(() => output('checkpoint-status'), WAIT).toMatch(new RegExp(`holds epoch ${first.restored} \\(val_loss`));
    await expect.poll(boardRuns, WAIT).toEqual([{ name: 'patience 5, min_delta 0', restored: first.restored, training: false }]);
    const marker = page.locator(`#scalars svg circle[data-marker="restored epoch ${first.restored}"]`);
    expect(await marker.count()).toBe(2); // on the loss and on the accuracy panel
  });

  it('the checkpoint is downloadable as an HDF5 file', { timeout: 900_000 }, async () => {
    await expect.poll(() => output('saved'), WAIT).toContain(`epoch ${first.restored} (`);
    const signature = await page.evaluate(async () => {
      const link = document.querySelector<HTMLAnchorElement>('#saved a.lectern-download[download="best_model.weights.h5"]');
      if (!link) return null;
      return [...new Uint8Array(await (await fetch(link.href)).arrayBuffer()).slice(0, 8)];
    });
    expect(signature).toEqual([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]); // "\x89HDF\r\n\x1a\n"
  });

  it('a second run with another patience joins the first on the board; re-runs leak no tensors', { timeout: 1_500_000 }, async () => {
    await setRange('Patience', 2);
    const second = await runEnd(2);
    expect((await boardRuns()).map((r) => r.name)).toEqual(['patience 5, min_delta 0', 'patience 2, min_delta 0']);
    expect(second.stopped - second.restored).toBe(2);
    await expect.poll(async () => (await boardRuns()).every((r) => !r.training && r.restored !== null), WAIT).toBe(true);
    expect(await page.locator('#scalars svg').getAttribute('aria-label')).toBe('Training curves of 2 runs: patience 5, min_delta 0; patience 2, min_delta 0');
    expect(await page.locator('#scalars svg path[data-split="validation"]').count()).toBe(4); // 2 runs × loss, accuracy
    await expect.poll(() => output('comparison'), WAIT).toMatch(new RegExp(`\\(epoch ${second.restored}, saved`));
    const settled = await numTensors();

    // A third run (same settings as the second): the same tensors are alive once it has settled.
    await setRange('Patience', 3);
    await runEnd(3);
    await setRange('Patience', 2);
    expect(await runEnd(4)).toEqual(second); // same settings, same seed: the same run
    await expect.poll(() => output('comparison'), WAIT).toMatch(new RegExp(`\\(epoch ${second.restored}, saved`));
    await expect.poll(numTensors, WAIT).toBe(settled);
  });

  it('axe finds no serious violation on the lesson with its board, checkpoint and weight list', { timeout: 120_000 }, async () => {
    expect(await axeViolations(page)).toEqual([]);
  });

  it('the checkpoint survives a reload, and the fresh model loaded from it scores what it recorded', { timeout: 900_000 }, async () => {
    const before = fileLine(await output('saved'));
    expect(before).not.toBeNull();
    await open(true);
    // What IndexedDB held when the page opened: the same file, saved at the same time.
    await expect.poll(async () => fileLine(await output('kept'))?.[1] ?? null, WAIT).toBe(before![1]);
    // Until the new run ends, the fresh model is loaded from that file: catch its comparison.
    const compared = new RegExp(`\\(epoch \\d+, saved ${before![3]} UTC\\), has validation accuracy ([\\d.]+) and loss ([\\d.]+); the checkpoint recorded val_accuracy ([\\d.]+) and val_loss ([\\d.]+)`);
    let match: RegExpExecArray | null = null;
    await expect.poll(async () => (match = compared.exec(await output('comparison'))) !== null, WAIT).toBe(true);
    const [, accuracy, loss, recordedAccuracy, recordedLoss] = match!;
    expect(accuracy).toBe(recordedAccuracy);
    expect(recordedAccuracy).toBe(before![2]);
    expect(Math.abs(Number(loss) - Number(recordedLoss))).toBeLessThanOrEqual(0.0002);
  });
});

describe('lesson 7 in the course: the index, and its deck with live cells', () => {
  it('the index lists lessons 0, 7 and 8, in that order', { timeout: 900_000 }, async () => {
    const index = await browser.newPage();
    await index.goto(`${server.url}/`);
    const links = index.locator('.lesson-list a');
    await expect.poll(() => links.count(), WAIT).toBeGreaterThan(0);
    const ids = (await links.evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).searchParams.get('lesson'))))
      .filter((id) => ['00-how-lessons-work', '07-callbacks', '08-fine-tuning'].includes(id ?? ''));
    expect(ids).toEqual(['00-how-lessons-work', '07-callbacks', '08-fine-tuning']);
    await index.close();
  });

  it('links each lesson section to its slides and back; the deck\'s patience slider and curves are live', { timeout: 900_000 }, async () => {
    const links = await page.locator('.lectern-slide-link a').evaluateAll((as) =>
      as.map((a) => ({ section: a.parentElement!.previousElementSibling!.id, href: a.getAttribute('href') })),
    );
    expect(links.map((l) => l.section)).toEqual(await page.locator('#lesson h2[id]').evaluateAll((hs) => hs.map((h) => h.id)));
    expect(links.length).toBe(10);
    for (const { section, href } of links) expect(href).toBe(`slides.html?deck=07-callbacks&section=${section}`);

    const deck = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    deck.on('pageerror', (error) => console.error('deck page error:', error.message));
    await deck.goto(`${server.url}/${links.find((l) => l.section === 'earlystopping-example')!.href}`);
    await deck.locator('#lectern-slides[data-ready="true"]').waitFor({ timeout: 120_000 });
    expect(await deck.locator('.lectern-lesson-link').getAttribute('href')).toBe('lesson.html?lesson=07-callbacks#earlystopping-example');
    await deck.getByRole('slider', { name: 'Patience' }).waitFor({ timeout: 120_000 });
    await setRange('Patience', 1, deck);
    await deck.getByRole('checkbox', { name: 'Train' }).check();
    // The curves slide keeps the run, with the epoch EarlyStopping restored (patience 1: one epoch before the end).
    await expect.poll(() => deck.evaluate(() => document.querySelector('svg.lectern-scalars')?.getAttribute('aria-label') ?? null), WAIT)
      .toBe('Training curves of 1 run: patience 1');
    await expect.poll(() => deck.evaluate(() => document.querySelector('svg.lectern-scalars [data-legend]')?.textContent ?? ''), WAIT)
      .toMatch(/^patience 1 — (\d+) epochs, restored epoch \d+ · val_loss/);
    const legend = await deck.evaluate(() => document.querySelector('svg.lectern-scalars [data-legend]')!.textContent!);
    const [, epochs, restored] = /(\d+) epochs, restored epoch (\d+)/.exec(legend)!;
    expect(Number(epochs) - Number(restored)).toBe(1);
    expect(await axeViolations(deck)).toEqual([]);
    await deck.close();
  });
});
