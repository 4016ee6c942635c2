/**
 * The lesson page in real Chromium: editing and running cells, persistence across reloads, the
 * "lesson changed" choice, error isolation, the loop guard, view() inputs and the import bridge.
 * Drives test/fixtures/ui/runtime-lesson.md through the dev server's `lesson.html?file=`.
 */
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchBrowser, startDevServer, type RunningServer } from './harness.ts';
import { resolveLessonImport } from '../../src/runtime/lesson-imports.ts';

const FIXTURE = '/test/fixtures/ui/runtime-lesson.md';
const STORAGE_KEY = `lectern:edits:file:${FIXTURE}`;
/** Generous waits: the machine is shared; these bound waiting, they assert no speed. */
const WAIT = { timeout: 30_000 };

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  server = await startDevServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

beforeEach(async () => {
  context = await browser.newContext(); // fresh localStorage per test
  page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
});

afterEach(async () => {
  await context?.close();
});

const cell = (n: number) => page.locator(`#cell-${n}`);
const output = (n: number) => page.locator(`#cell-${n} .cell-output`);

async function openLesson(): Promise<void> {
  await page.goto(`${server.url}/lesson.html?file=${FIXTURE}`);
  await page.locator('#lesson[data-ready="true"]').waitFor(WAIT);
  await expect.poll(() => output(3).textContent(), WAIT).toBe('"tenfold is 20"');
}

/** Waits until the page stands (src/storage/safe-start.ts): a reload before that starts safe, edits not run. */
async function standing(): Promise<void> {
  await page.locator('#lesson[data-standing="true"]').waitFor({ state: 'attached', ...WAIT });
}

/** Opens cell n's editor, replaces its code and runs it with Shift-Enter. */
async function editAndRun(n: number, source: string): Promise<void> {
  const editor = cell(n).locator('.cm-content');
  if (!(await editor.isVisible())) await cell(n).getByRole('button', { name: `Edit cell ${n}` }).click();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(source);
  await page.keyboard.press('Shift+Enter');
}

describe('lesson page in Chromium', () => {
  it('renders prose, static code, live outputs and an echo cell with its source', async () => {
    await openLesson();
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Browser runtime fixture');
    expect(await page.locator('pre code.language-python').textContent()).toContain('static code, not a cell');
    expect(await cell(2).locator('.cm-content').textContent()).toBe('const tenfold = base * 10');
    expect(await cell(1).locator('.cm-content').count()).toBe(0); // not echo: no editor until opened
    await expect.poll(() => output(6).textContent(), WAIT).toBe('"count squared is 9"');
  });

  it('running an edited cell updates its dependents without reloading, and only them', async () => {
    await openLesson();
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    const countBefore = await output(6).innerHTML();
    await editAndRun(1, 'const base: number = 7');
    await expect.poll(() => output(3).textContent(), WAIT).toBe('"tenfold is 70"');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect(await output(6).innerHTML()).toBe(countBefore);
    await expect.poll(() => cell(1).locator('.badge').isVisible()).toBe(true);
  });

  it('the Run button runs the editor\'s code too', async () => {
    await openLesson();
    const editor = cell(2).locator('.cm-content');
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText('const tenfold = base * 3');
    await expect.poll(() => cell(2).evaluate((el) => el.classList.contains('is-dirty'))).toBe(true);
    await cell(2).getByRole('button', { name: 'Run cell 2' }).click();
    await expect.poll(() => output(3).textContent(), WAIT).toBe('"tenfold is 6"');
  });

  it('a reload keeps the edit; reset cell brings the lesson\'s code back for good', async () => {
    await openLesson();
    await editAndRun(1, 'const base: number = 5');
    await expect.poll(() => output(3).textContent(), WAIT).toBe('"tenfold is 50"');
    await standing();
    await page.reload();
    await page.locator('#lesson[data-ready="true"]').waitFor(WAIT);
    await expect.poll(() => output(3).textContent(), WAIT).toBe('"tenfold is 50"');
    await cell(1).getByRole('button', { name: 'Reset cell 1 to the lesson\'s code' }).click();
    await expect.poll(() => output(3).textContent(), WAIT).toBe('"tenfold is 20"');
    await standing();
    await page.reload();
    await openLesson();
    expect(await cell(1).locator('.badge').isVisible()).toBe(false);
    expect(await page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY)).toBeNull();
  });

  /** Stores an edit of cell 1 made when the lesson's code of that cell was different. */
  async function storeEditOfOldLessonSource(): Promise<void> {
    await openLesson();
    await standing(); // else the reload starts safe (the first load had not finished) and runs no edit
    const stored = { version: 1, cells: { '0': { base: 'const base: number = 1', source: 'const base = 4', savedAt: 1 } } };
    await page.evaluate(([key, value]) => localStorage.setItem(key, value), [STORAGE_KEY, JSON.stringify(stored)]);
    await page.reload();
    await page.locator('#lesson[data-ready="true"]').waitFor(WAIT);
  }

  it('reports a changed lesson source of an edited cell; "keep mine" keeps the edit', async () => {
    await storeEditOfOldLessonSource();
    const notice = cell(1).locator('.notice');
    await expect.poll(() => notice.textContent()).toContain("The lesson's code for cell 1 changed since you edited it");
    expect(await notice.locator('pre').textContent()).toBe('const base: number = 2');
    expect(await cell(1).locator('.cm-content').textContent()).toBe('const base = 4'); // mine, still running
    await expect.poll(() => output(3).textContent(), WAIT).toBe('"tenfold is 40"');
    await notice.getByRole('button', { name: 'Keep mine' }).click();
    expect(await notice.isVisible()).toBe(false);
    await standing();
    await page.reload();
    await page.locator('#lesson[data-ready="true"]').waitFor(WAIT);
    await expect.poll(() => output(3).textContent(), WAIT).toBe('"tenfold is 40"');
    expect(await cell(1).locator('.notice').isVisible()).toBe(false);
  });

  it('reports a changed lesson source of an edited cell; "take the new version" drops the edit', async () => {
    await storeEditOfOldLessonSource();
    const notice = cell(1).locator('.notice');
    await notice.getByRole('button', { name: 'Take the new version' }).click();
    await expect.poll(() => output(3).textContent(), WAIT).toBe('"tenfold is 20"');
    expect(await cell(1).locator('.cm-content').textContent()).toBe('const base: number = 2');
    await page.reload();
    await openLesson();
    expect(await cell(1).locator('.notice').isVisible()).toBe(false);
    expect(await page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY)).toBeNull();
  });

  it('an erroring cell shows its error inline and the other cells keep working', async () => {
    await openLesson();
    const error = cell(4).getByRole('alert');
    await expect.poll(() => error.textContent(), WAIT).toBe('boom at cell 4 (line 1)');
    await editAndRun(1, 'const base: number = 3');
    await expect.poll(() => output(3).textContent(), WAIT).toBe('"tenfold is 30"');
    await editAndRun(4, 'nope + 1');
    await expect.poll(() => error.textContent(), WAIT).toContain('"nope" is not defined');
    await editAndRun(4, 'const x = (');
    await expect.poll(() => error.textContent(), WAIT).toMatch(/^SyntaxError: .*\(line 1, column \d+\)$/);
    expect(await output(3).textContent()).toBe('"tenfold is 30"');
  });

  it('while (true) {} fails inline through the loop guard and the page still responds', async () => {
    await openLesson();
    await editAndRun(4, 'while (true) {}');
    await expect.poll(() => cell(4).getByRole('alert').textContent(), WAIT).toContain('loop guard');
    // The page still responds: a slider drives its dependent, a button opens an editor.
    await cell(5).locator('input[type=range]').fill('8');
    await expect.poll(() => output(6).textContent(), WAIT).toBe('"count squared is 64"');
    await cell(3).getByRole('button', { name: 'Edit cell 3' }).click();
    await expect.poll(() => cell(3).locator('.cm-content').isVisible()).toBe(true);
  });

  it('Inputs.range through view() drives a dependent cell', async () => {
    await openLesson();
    await expect.poll(() => output(6).textContent(), WAIT).toBe('"count squared is 9"');
    await cell(5).locator('input[type=range]').fill('7');
    await expect.poll(() => output(6).textContent(), WAIT).toBe('"count squared is 49"');
    await cell(5).getByRole('spinbutton').fill('2');
    await cell(5).getByRole('spinbutton').press('Enter');
    await expect.poll(() => output(6).textContent(), WAIT).toBe('"count squared is 4"');
  });

  it('imports resolve the table\'s packages, "lectern" and "lectern/engine" through Vite; others fail with the table\'s message', async () => {
    await openLesson();
    await editAndRun(4, 'import {compileCell} from "lectern/engine";\nimport {rich} from "lectern";\ndisplay(compileCell({source: "a + b"}).references.join(","))');
    await expect.poll(() => output(4).textContent(), WAIT).toBe('"a,b"');
    // "marked" is installed (the page's own parser uses it) but not in the lessons' table: the same message as `lectern run`.
    const expected = (() => { try { resolveLessonImport('marked'); return 'resolved'; } catch (error) { return (error as Error).message; } })();
    await editAndRun(4, 'import {marked} from "marked";');
    // The page adds where in the cell it failed, as `lectern run` does ("(line 1)").
    await expect.poll(() => cell(4).locator('.cell-error').textContent(), WAIT).toBe(`${expected} (line 1)`);
  });

  it('inspects displayed values: objects expand, tensors show dtype and shape, DOM nodes are shown as is', async () => {
    await openLesson();
    await editAndRun(4, [
      'import * as tf from "@tensorflow/tfjs";',
      'display({a: 1, b: [1, 2], c: "x"});',
      'display(tf.tensor([1, 2, 3]));',
      'const p = document.createElement("p");',
      'p.textContent = "a DOM node";',
      'display(p);',
    ].join('\n'));
    const out = output(4);
    const values = out.locator(':scope > details'); // the displayed values, not nested entries
    await expect.poll(() => values.count(), WAIT).toBe(2);
    expect(await values.locator(':scope > summary').allTextContents()).toEqual(['{a: 1, b: …, c: "x"}', 'Tensor float32 [3]']);
    // The inspector fills an entry list on the details' toggle event, a task after the click: wait for it.
    await values.first().locator(':scope > summary').click();
    await expect
      .poll(() => values.first().locator('.insp-entries > li').allTextContents(), WAIT)
      .toEqual(['a: 1', 'b: Array(2) [1, 2]', 'c: "x"']);
    await values.nth(1).locator(':scope > summary').click();
    await expect.poll(async () => (await values.nth(1).locator('pre').count()) > 0 && (await values.nth(1).locator('pre').textContent()), WAIT)
      .toMatch(/shape: \[3\][\s\S]*\[1, 2, 3\]/);
    expect(await out.locator('p').textContent()).toBe('a DOM node');
  });

  it('a hidden cell runs without showing; editing it (via storage) shows it so it can be reset', async () => {
    await openLesson();
    await expect.poll(() => output(8).textContent(), WAIT).toBe('42');
    expect(await cell(7).isVisible()).toBe(false);
    await standing(); // else the reload starts safe and runs no edit
    const stored = { version: 1, cells: { '6': { base: 'const secret = 41', source: 'const secret = 1', savedAt: 1 } } };
    await page.evaluate(([key, value]) => localStorage.setItem(key, value), [STORAGE_KEY, JSON.stringify(stored)]);
    await page.reload();
    await expect.poll(() => output(8).textContent(), WAIT).toBe('2');
    expect(await cell(7).isVisible()).toBe(true);
    await cell(7).getByRole('button', { name: 'Reset cell 7 to the lesson\'s code' }).click();
    await expect.poll(() => output(8).textContent(), WAIT).toBe('42');
    expect(await cell(7).isVisible()).toBe(false);
  });

  it('shows a pending cell as running until its value arrives', async () => {
    await openLesson();
    await editAndRun(4, 'await new Promise((resolve) => setTimeout(resolve, 1500));\ndisplay("done waiting")');
    await expect.poll(() => cell(4).evaluate((el) => el.classList.contains('is-pending')), WAIT).toBe(true);
    await expect.poll(() => output(4).textContent(), WAIT).toBe('"done waiting"');
    expect(await cell(4).evaluate((el) => el.classList.contains('is-pending'))).toBe(false);
  });

  it('keeps the code of a cell the lesson no longer has until the learner discards it', async () => {
    await openLesson();
    const stored = { version: 1, cells: { '20': { base: 'const removed = 1', source: 'const removed = 2 // mine', savedAt: 1 } } };
    await page.evaluate(([key, value]) => localStorage.setItem(key, value), [STORAGE_KEY, JSON.stringify(stored)]);
    await page.reload();
    const notice = page.locator('.notice.orphans');
    await expect.poll(() => notice.textContent(), WAIT).toContain('You edited a cell that this lesson no longer has');
    expect(await notice.locator('pre').textContent()).toBe('const removed = 2 // mine');
    await page.reload(); // still there: nothing was dropped by loading the page
    await expect.poll(() => notice.locator('pre').textContent(), WAIT).toBe('const removed = 2 // mine');
    await notice.getByRole('button', { name: 'Discard this code' }).click();
    expect(await notice.count()).toBe(0);
    expect(await page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY)).toBeNull();
  });

  it('Reset lesson asks first, then brings back every cell', async () => {
    await openLesson();
    await editAndRun(1, 'const base: number = 3');
    await editAndRun(2, 'const tenfold = base * 100');
    await expect.poll(() => output(3).textContent(), WAIT).toBe('"tenfold is 300"');
    const dialogs: string[] = [];
    page.once('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.getByRole('button', { name: 'Reset lesson' }).click();
    await expect.poll(() => dialogs.length).toBe(1);
    expect(dialogs[0]).toBe('Reset this lesson? Your changes to 2 cells will be discarded.');
    expect(await output(3).textContent()).toBe('"tenfold is 300"'); // dismissed: nothing changed
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Reset lesson' }).click();
    await expect.poll(() => output(3).textContent(), WAIT).toBe('"tenfold is 20"');
    expect(await page.locator('.cell.is-edited').count()).toBe(0);
    expect(await page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY)).toBeNull();
  });

  it('tells the learner when edits cannot be saved (storage full) and keeps running them', async () => {
    await page.addInitScript(() => {
      // IndexedDB refused too, so edits fall back to localStorage, which is full.
      IDBFactory.prototype.open = () => {
        throw new DOMException('IndexedDB is disabled here.', 'InvalidStateError');
      };
      Storage.prototype.setItem = () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
    });
    await openLesson();
    await editAndRun(1, 'const base: number = 8');
    await expect.poll(() => output(3).textContent(), WAIT).toBe('"tenfold is 80"');
    expect(await page.locator('.storage-problem').textContent())
      .toMatch(/^Your edits cannot be saved in this browser .*so a reload will lose them/);
  });

  it('two tabs of a lesson keep each other\'s edits of different cells', async () => {
    await openLesson();
    const first = page;
    page = await context.newPage();
    await openLesson();
    await editAndRun(2, 'const tenfold = base * 5');
    page = first;
    await editAndRun(1, 'const base: number = 3');
    await expect.poll(() => output(3).textContent(), WAIT).toBe('"tenfold is 30"');
    await standing();
    await page.reload();
    await expect.poll(() => output(3).textContent(), WAIT).toBe('"tenfold is 15"'); // both edits
  });

  it('downloads the lesson with the learner\'s edits as Markdown', async () => {
    await openLesson();
    await editAndRun(1, 'const base: number = 9');
    await expect.poll(() => output(3).textContent(), WAIT).toBe('"tenfold is 90"');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download .md' }).click(),
    ]);
    const stream = await download.createReadStream();
    let text = '';
    for await (const chunk of stream) text += chunk.toString();
    expect(download.suggestedFilename()).toBe('runtime-lesson.md');
    expect(text).toContain('```ts\nconst base: number = 9\n```');
    expect(text).toContain('```ts echo\nconst tenfold = base * 10\n```');
  });

  it('is keyboard-usable: Edit, type, Shift-Enter, with focus landing in the editor', async () => {
    await openLesson();
    await cell(1).getByRole('button', { name: 'Edit cell 1' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Code of cell 1');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('const base = 6');
    await page.keyboard.press('Shift+Enter');
    await expect.poll(() => output(3).textContent(), WAIT).toBe('"tenfold is 60"');
  });

  it('has no serious accessibility violations (axe-core): fixture, sliders included', async () => {
    await openLesson();
    await expect.poll(() => output(6).textContent(), WAIT).toBe('"count squared is 9"');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('has no serious accessibility violations (axe-core): the how-lessons-work lesson and the index', async () => {
    await page.goto(`${server.url}/lesson.html?lesson=00-how-lessons-work`);
    await page.locator('#lesson[data-ready="true"]').waitFor(WAIT);
    await expect.poll(() => page.locator('.cell.is-pending').count(), WAIT).toBe(0);
    // Observable Plot's own SVG puts aria-label on <g> elements (its markup, not the page's).
    expect(await axeViolations(page, { exclude: ['svg[class^="plot"]'] })).toEqual([]);
    await page.goto(`${server.url}/`);
    await page.locator('.lesson-list a').first().waitFor(WAIT);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('the course index lists the lessons by order and title and links to each', async () => {
    await page.goto(`${server.url}/`);
    const links = page.locator('.lesson-list a');
    await expect.poll(() => links.count(), WAIT).toBeGreaterThan(0);
    const titles = await links.allTextContents();
    expect(titles[0]).toBe('How lessons work'); // order: 0
    await links.first().click();
    await page.locator('#lesson[data-ready="true"]').waitFor(WAIT);
    expect(new URL(page.url()).search).toBe('?lesson=00-how-lessons-work');
    expect(await page.locator('h1').first().textContent()).toBe('How lessons work');
    expect(await page.title()).toBe('How lessons work — Lectern');
  });

  it('links a lesson with a deck to its slides from the header, and one without a deck not', async () => {
    await page.goto(`${server.url}/lesson.html?lesson=08-fine-tuning`);
    await page.locator('#lesson[data-ready="true"]').waitFor(WAIT);
    expect(await page.locator('#lesson-tools').getByRole('link', { name: 'Slides', exact: true }).getAttribute('href'))
      .toBe('slides.html?deck=08-fine-tuning');
    await openLesson();
    expect(await page.locator('#lesson-tools').getByRole('link', { name: 'Slides', exact: true }).count()).toBe(0);
  });

  it('an unknown lesson says so and links back to the index', async () => {
    await page.goto(`${server.url}/lesson.html?lesson=no-such-lesson`);
    await expect.poll(() => page.getByRole('alert').textContent(), WAIT).toContain('There is no lesson "no-such-lesson" in notebooks/');
    expect(await page.getByRole('link', { name: 'Back to the lessons' }).getAttribute('href')).toBe('./index.html');
  });
});
