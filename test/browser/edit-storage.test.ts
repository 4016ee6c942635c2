/**
 * The IndexedDB edit store in Chromium, driven through its modules: edits from earlier Lecterns'
 * localStorage keys move in, a cell's localStorage.clear() does not reach them, and a cell's
 * indexedDB.deleteDatabase("lectern") is let through and undone. (The lesson page built on it is
 * tested in page-safety.test.ts.)
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, startDevServer, type RunningServer } from './harness.ts';

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
beforeEach(async () => {
  context = await browser.newContext();
  page = await context.newPage();
  await page.goto(`${server.url}/index.html`);
});
afterEach(async () => { await context?.close(); });

/** Runs `body` in the page with the storage modules loaded (a string: Vitest must not rewrite the import()). */
function inPage<T>(body: string): Promise<T> {
  return page.evaluate(`(async () => {
    const { indexedDbBackend } = await import('/src/storage/indexeddb.ts');
    const { createEditStore } = await import('/src/storage/edit-store.ts');
    const open = async () => createEditStore({ backend: await indexedDbBackend({ legacy: { storage: localStorage, events: window } }) });
    ${body}
  })()`) as Promise<T>;
}

describe('edits in IndexedDB', () => {
  it('moves edits from the old localStorage keys in, and removes those keys once stored', async () => {
    const result = await inPage<{ cells: string[]; legacy: string | null; other: string | null }>(`
      localStorage.setItem('lectern:edits:08-fine-tuning', JSON.stringify({ version: 1, cells: { '3': { base: 'a', source: 'a // mine', savedAt: 5 } } }));
      localStorage.setItem('unrelated', 'kept');
      const store = await open();
      const handle = await store.open('08-fine-tuning');
      const cells = Object.values(handle.cells()).map((e) => e.source);
      store.close();
      return { cells, legacy: localStorage.getItem('lectern:edits:08-fine-tuning'), other: localStorage.getItem('unrelated') };
    `);
    expect(result).toEqual({ cells: ['a // mine'], legacy: null, other: 'kept' });
    // And they are still there on the next load.
    await page.reload();
    expect(await inPage<string[]>(`const h = await (await open()).open('08-fine-tuning'); return Object.values(h.cells()).map((e) => e.source);`)).toEqual(['a // mine']);
  });

  it('a cell\'s localStorage.clear() does not reach them', async () => {
    await inPage(`const h = await (await open()).open('lesson'); await h.update(() => ({ '0': { base: 'x', source: 'y', savedAt: 1 } }));`);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    expect(await inPage(`return (await (await open()).open('lesson')).cells()['0'].source;`)).toBe('y');
  });

  it('a cell\'s indexedDB.deleteDatabase("lectern") is let through and every record written back, with a notice', async () => {
    const result = await inPage<{ notices: string[]; a: string; b: string; deleted: string }>(`
      const store = await open();
      const notices = [];
      store.onNotice((n) => notices.push(n.message));
      const a = await store.open('lesson-a');
      await a.update(() => ({ '0': { base: 'x', source: 'edit of a', savedAt: 1 } }));
      const other = await store.open('lesson-b');
      await other.update(() => ({ '1': { base: 'x', source: 'edit of b', savedAt: 1 } }));
      other.close(); // not open any more: the backend's snapshot brings it back all the same
      // What a cell does:
      const deleted = await new Promise((resolve) => {
        const request = indexedDB.deleteDatabase('lectern');
        request.onsuccess = () => resolve('deleted');
        request.onerror = () => resolve('error');
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      store.close();
      const again = await open();
      return { notices, deleted, a: (await again.open('lesson-a')).cells()['0'].source, b: (await again.open('lesson-b')).cells()['1'].source };
    `);
    expect(result.deleted).toBe('deleted'); // the deletion was not blocked forever
    expect(result.a).toBe('edit of a');
    expect(result.b).toBe('edit of b');
    expect(result.notices).toEqual([
      'Something on this page (a cell?) deleted the database where Lectern keeps your edits (indexedDB.deleteDatabase()). They were all written back.',
    ]);
  });

  it('two tabs writing different cells at once keep both (transactions do not interleave)', async () => {
    const second = await context.newPage();
    await second.goto(`${server.url}/index.html`);
    const write = (p: Page, cell: number) => p.evaluate(`(async () => {
      const { indexedDbBackend } = await import('/src/storage/indexeddb.ts');
      const { createEditStore } = await import('/src/storage/edit-store.ts');
      const h = await createEditStore({ backend: await indexedDbBackend() }).open('race');
      for (let i = 0; i < 20; i++) await h.update((cells) => ({ ...cells, [String(${cell} * 100 + i)]: { base: 'b', source: 's' + i, savedAt: i } }));
    })()`);
    await Promise.all([write(page, 1), write(second, 2)]);
    const keys = await inPage<string[]>(`return Object.keys((await (await open()).open('race')).cells());`);
    expect(keys).toHaveLength(40);
  });
});
