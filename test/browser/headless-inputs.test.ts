/**
 * The same Inputs cells in Chromium and in `lectern run` give the same values (issue 14): every kind
 * of Observable Input with defaults and given values (test/fixtures/headless/inputs.md), then a few
 * set by a reader in the page and by `--set` headless. The fixture's last cell writes every value
 * as tagged JSON (undefined, NaN and Dates kept apart); both sides are read from it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLesson } from '../../src/lesson/parse.ts';
import { runLessonHeadless } from '../../src/runtime/headless.ts';
import { launchBrowser, PROJECT_ROOT, startDevServer, type RunningServer } from './harness.ts';

const FIXTURE = '/test/fixtures/headless/inputs.md';
const source = readFileSync(join(PROJECT_ROOT, FIXTURE), 'utf8');
const cells = parseLesson(source).cells;
/** The page's element of a cell: its id is the cell's id. */
const dom = (id: string): string => {
  if (!cells.some((c) => c.id === id)) throw new Error(`${FIXTURE} has no cell ${id}`);
  return `section[id="${id}"]`;
};
const WAIT = { timeout: 30_000 };

/** What a reader does in the page, and the `--set` text that means the same. */
const SETTINGS: { id: string; set: string; act: (page: Page, cell: string) => Promise<void> }[] = [
  { id: 'range', set: '0.25', act: (p, c) => p.locator(`${c} input[type=number]`).fill('0.25') },
  { id: 'numberValued', set: '7.5', act: (p, c) => p.locator(`${c} input[type=number]`).fill('7.5') },
  { id: 'select', set: 'webgl', act: async (p, c) => void (await p.locator(`${c} select`).selectOption({ label: 'webgl' })) },
  { id: 'selectMultiple', set: 'a, c', act: async (p, c) => void (await p.locator(`${c} select`).selectOption([{ label: 'a' }, { label: 'c' }])) },
  { id: 'selectMap', set: 'ONE', act: async (p, c) => void (await p.locator(`${c} select`).selectOption({ label: 'ONE' })) },
  { id: 'radio', set: 'b', act: (p, c) => p.locator(c).getByLabel('b', { exact: true }).check() },
  {
    id: 'checkbox',
    set: 'a,c',
    act: async (p, c) => {
      await p.locator(c).getByLabel('a', { exact: true }).check();
      await p.locator(c).getByLabel('b', { exact: true }).uncheck();
      await p.locator(c).getByLabel('c', { exact: true }).check();
    },
  },
  { id: 'toggle', set: 'true', act: (p, c) => p.locator(`${c} input[type=checkbox]`).check() },
  { id: 'toggleValues', set: '1', act: (p, c) => p.locator(`${c} input[type=checkbox]`).check() },
  { id: 'text', set: 'typed', act: (p, c) => p.locator(`${c} input[type=text]`).fill('typed') },
  { id: 'date', set: '2024-05-06', act: (p, c) => p.locator(`${c} input[type=date]`).fill('2024-05-06') },
  {
    id: 'button',
    set: '2',
    act: async (p, c) => {
      await p.locator(c).getByRole('button', { name: 'Go', exact: true }).click();
      await p.locator(c).getByRole('button', { name: 'Go', exact: true }).click();
    },
  },
];

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startDevServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function headlessValues(set: Record<string, string> = {}): Promise<unknown> {
  const result = await runLessonHeadless({ source, path: join(PROJECT_ROOT, FIXTURE), set });
  expect(result.cells.filter((c) => c.error).map((c) => `${c.id}: ${c.error?.message}`)).toEqual([]);
  const values = result.cells.find((c) => c.id === 'values')!.outputs[0];
  return JSON.parse(JSON.parse(values) as string);
}

/** The values cell's output in the page, once it changed from `before` (a JSON string shown as a string). */
async function pageValues(page: Page, before?: string): Promise<unknown> {
  const output = page.locator(`${dom('values')} .cell-output`);
  await expect.poll(async () => {
    const text = (await output.textContent()) ?? '';
    return text.startsWith('"{') && text !== before;
  }, WAIT).toBe(true);
  return JSON.parse(JSON.parse((await output.textContent()) ?? '') as string);
}

describe('Inputs in lectern run and in Chromium', () => {
  it('start from the same value, every kind', { timeout: 120_000 }, async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/lesson.html?file=${FIXTURE}`);
      await page.locator('#lesson[data-ready="true"]').waitFor(WAIT);
      const inPage = await pageValues(page);
      const headless = await headlessValues();
      expect(headless).toEqual(inPage);
      // The values the stand-ins got wrong (issue 14), as the page gives them.
      expect(inPage).toMatchObject({ selectMultiple: [], toggleValues: 0, form: { a: 0.3, b: 'x' }, date: { date: '2024-03-01T00:00:00.000Z' }, number: { undefined: true }, selectMap: 2 });
    } finally {
      await page.close();
    }
  });

  it('take the same value from a reader in the page and from --set headless', { timeout: 180_000 }, async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/lesson.html?file=${FIXTURE}`);
      await page.locator('#lesson[data-ready="true"]').waitFor(WAIT);
      await pageValues(page);
      let shown = await page.locator(`${dom('values')} .cell-output`).textContent();
      for (const { id, act } of SETTINGS) {
        await act(page, dom(id));
        await pageValues(page, shown ?? undefined);
        shown = await page.locator(`${dom('values')} .cell-output`).textContent();
      }
      const inPage = await pageValues(page);
      const headless = await headlessValues(Object.fromEntries(SETTINGS.map(({ id, set }) => [id, set])));
      expect(headless).toEqual(inPage);
      expect(inPage).toMatchObject({ range: 0.25, select: 'webgl', selectMultiple: ['a', 'c'], checkbox: ['a', 'c'], toggleValues: 1, button: 2 });
    } finally {
      await page.close();
    }
  });
});
