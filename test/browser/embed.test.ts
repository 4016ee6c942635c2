/**
 * Embedding from another origin, in Chromium: a course page on one localhost port loads the embed
 * script from the Lectern server on another port and shows two sections of one lesson with
 * <lectern-lesson>; they share one runtime (the slider in one drives the output in the other).
 * The iframe embed (embed.html) shows a section without site chrome and its frame grows to fit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startDevServer, type RunningServer } from './harness.ts';
import { startPageServer } from './static-server.ts';

let lectern: RunningServer;
let site: RunningServer | undefined;
let browser: Browser;

beforeAll(async () => {
  [lectern, browser] = await Promise.all([startDevServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await lectern?.close();
});

const FIXTURE = '/test/fixtures/embed/two-sections.md';

async function openSite(body: string): Promise<{ page: Page; errors: string[] }> {
  await site?.close();
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A course site</title>
<link rel="stylesheet" href="${lectern.url}/src/embed/lectern.css">
<script type="module" src="${lectern.url}/src/embed/lectern.ts"></script></head>
<body><main><h1>A course site</h1>${body}</main></body></html>`;
  site = await startPageServer(html);
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(site.url);
  return { page, errors };
}

describe('embedding on another origin', () => {
  it('shows sections of one lesson live, sharing one runtime', async () => {
    const { page, errors } = await openSite(`
      <lectern-lesson id="setup" src="${lectern.url}${FIXTURE}" section="setup"></lectern-lesson>
      <p>Some text of the course site between the two.</p>
      <lectern-lesson id="result" src="${lectern.url}${FIXTURE}" section="result"></lectern-lesson>`);
    expect(new URL(page.url()).origin).not.toBe(new URL(lectern.url).origin);
    await page.waitForSelector('lectern-lesson#result[data-state="ready"]', { timeout: 90_000 });
    const result = page.locator('lectern-lesson#result output.doubled');
    await expect.poll(() => result.textContent(), { timeout: 60_000 }).toBe('doubled = 6');
    await expect.poll(() => page.locator('lectern-lesson#result [data-lectern-inline]').textContent()).toBe('3');
    // Only its own section: the result embed has no slider, the setup embed no result.
    expect(await page.locator('lectern-lesson#result input').count()).toBe(0);
    expect(await page.locator('lectern-lesson#setup output.doubled').count()).toBe(0);
    expect(await page.locator('lectern-lesson#result h2').textContent()).toBe('Result');
    // Keyboard: the slider in the first embed drives the output of the second.
    const slider = page.locator('lectern-lesson#setup').getByRole('slider', { name: 'Factor' });
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => result.textContent()).toBe('doubled = 10');
    // The inline expression in the result section's prose follows the slider too.
    expect(await page.locator('lectern-lesson#result [data-lectern-inline]').textContent()).toBe('5');
    // The course site's own styles and ours do not mix (shadow root).
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('main')!).maxWidth)).toBe('none');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a whole lesson, and a clear error for an unknown section', async () => {
    const { page } = await openSite(`
      <lectern-lesson id="whole" src="${lectern.url}${FIXTURE}"></lectern-lesson>
      <lectern-lesson id="bad" src="${lectern.url}${FIXTURE}" section="nope"></lectern-lesson>`);
    await page.waitForSelector('lectern-lesson#bad[data-state="error"]', { timeout: 90_000 });
    expect(await page.locator('lectern-lesson#bad [role="alert"]').textContent()).toBe(
      'The lesson "Embedding fixture" has no section "nope" (sections: setup, result)',
    );
    await page.waitForSelector('lectern-lesson#whole[data-state="ready"]');
    expect(await page.locator('lectern-lesson#whole h2').allTextContents()).toEqual(['Setup', 'Result']);
    await expect.poll(() => page.locator('lectern-lesson#whole output.doubled').textContent(), { timeout: 60_000 }).toBe('doubled = 6');
    await page.close();
  });

  it('fits an iframe embed from another origin to its content', async () => {
    const src = `${lectern.url}/embed.html?src=${encodeURIComponent(FIXTURE)}&section=result`;
    const { page } = await openSite(`<iframe class="lectern-frame" title="Result section" src="${src}" style="height: 10px"></iframe>`);
    const frame = page.frameLocator('iframe.lectern-frame');
    await expect.poll(() => frame.locator('output.doubled').textContent(), { timeout: 90_000 }).toBe('doubled = 6');
    // No site chrome in the frame: no header, no lesson navigation.
    expect(await frame.locator('header, nav').count()).toBe(0);
    const heights = async () =>
      page.evaluate(() => {
        const iframe = document.querySelector('iframe')!;
        return { frame: iframe.getBoundingClientRect().height };
      });
    const contentHeight = await frame.locator('html').evaluate((html) => Math.ceil(html.getBoundingClientRect().height));
    await expect.poll(async () => (await heights()).frame).toBe(contentHeight);
    expect(contentHeight).toBeGreaterThan(50);
    await page.close();
  });
});

const EDITOR_FIXTURE = '/test/fixtures/embed/editor-links.md';

/** What the embed shows of its editor: font, where the line numbers are, whether `const` is coloured. */
async function editorLooks(page: Page, selector: string) {
  return page.locator(selector).evaluate((element) => {
    const root = element.shadowRoot!;
    const editor = root.querySelector<HTMLElement>('.cm-editor')!;
    const content = root.querySelector<HTMLElement>('.cm-content')!;
    const gutter = root.querySelector<HTMLElement>('.cm-gutters')!;
    const keyword = [...root.querySelectorAll<HTMLElement>('.cm-line span')].find((s) => s.textContent === 'const');
    const box = (e: HTMLElement) => e.getBoundingClientRect();
    return {
      font: getComputedStyle(content).fontFamily,
      // Line numbers beside the code, not above it.
      gutterBeside: box(gutter).right <= box(content).left + 1 && Math.abs(box(gutter).top - box(content).top) < 2,
      keywordColour: keyword ? getComputedStyle(keyword).color : null,
      textColour: getComputedStyle(content).color,
      editorInShadow: editor.getRootNode() === root,
    };
  });
}

describe('an embed looks and links like the lesson page', () => {
  it('styles its editors inside the shadow root: monospace, line numbers beside the code, highlighting', async () => {
    const { page, errors } = await openSite(`<lectern-lesson id="code" src="${lectern.url}${EDITOR_FIXTURE}"></lectern-lesson>`);
    await page.waitForSelector('lectern-lesson#code[data-state="ready"]', { timeout: 90_000 });
    // The `echo` cell's editor, created with the embed.
    const looks = await editorLooks(page, 'lectern-lesson#code');
    expect(looks.editorInShadow).toBe(true);
    expect(looks.font).toMatch(/monospace/);
    expect(looks.gutterBeside).toBe(true);
    expect(looks.keywordColour).not.toBeNull();
    expect(looks.keywordColour).not.toBe(looks.textColour);
    // CodeMirror's own rules are in the shadow root, none leaked onto the course site.
    const leaked = () => [...document.styleSheets, ...document.adoptedStyleSheets].some((sheet) => {
      try {
        return [...sheet.cssRules].some((rule) => rule.cssText.includes('.cm-editor'));
      } catch {
        return false; // lectern.css from the other origin: unreadable, and ours
      }
    });
    expect(await page.evaluate(leaked)).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('follows links to sections inside the embed, from prose and from outputs', async () => {
    // Room below the embed, so its last section can scroll to the top.
    const { page, errors } = await openSite(`<lectern-lesson id="links" src="${lectern.url}${EDITOR_FIXTURE}"></lectern-lesson><div style="height: 1500px"></div>`);
    await page.waitForSelector('lectern-lesson#links[data-state="ready"]', { timeout: 90_000 });
    const embed = page.locator('lectern-lesson#links');
    const topOf = (id: string) => embed.evaluate((e, id) => Math.round(e.shadowRoot!.getElementById(id)!.getBoundingClientRect().top), id);
    expect(await topOf('far-away')).toBeGreaterThan(800); // below the spacer, off screen
    await embed.getByRole('link', { name: 'the far section' }).click();
    await expect.poll(() => topOf('far-away')).toBeLessThan(5);
    expect(await topOf('far-away')).toBeGreaterThanOrEqual(-1);
    expect(await embed.evaluate((e) => e.shadowRoot!.activeElement?.id)).toBe('far-away');
    expect(new URL(page.url()).hash).toBe(''); // the host page's URL is left alone
    // A link a cell displays (as the diagnosis's "Read the section on …").
    const back = embed.getByRole('link', { name: 'Back to the code (42)' });
    await back.waitFor({ timeout: 60_000 });
    await back.click();
    await expect.poll(() => topOf('code')).toBeLessThan(5);
    expect(await topOf('code')).toBeGreaterThanOrEqual(-1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('follows the host page colour scheme, or its theme attribute, not the OS alone', async () => {
    const background = (page: Page, id: string) => page.locator(`lectern-lesson#${id}`).evaluate((e) => getComputedStyle(e).backgroundColor);
    const LIGHT = 'rgb(253, 253, 252)';
    const DARK = 'rgb(23, 25, 27)';
    // The OS prefers dark; the course site declares no scheme, so it renders light, and so does the embed.
    const { page, errors } = await openSite(`
      <lectern-lesson id="host" src="${lectern.url}${FIXTURE}" section="setup"></lectern-lesson>
      <lectern-lesson id="dark" theme="dark" src="${lectern.url}${FIXTURE}" section="setup"></lectern-lesson>
      <lectern-lesson id="auto" theme="auto" src="${lectern.url}${FIXTURE}" section="setup"></lectern-lesson>
      <lectern-lesson id="bad" theme="blue" src="${lectern.url}${FIXTURE}" section="setup"></lectern-lesson>`);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForSelector('lectern-lesson#bad[data-state="ready"]', { timeout: 90_000 });
    expect(await background(page, 'host')).toBe(LIGHT);
    expect(await background(page, 'dark')).toBe(DARK);
    expect(await background(page, 'auto')).toBe(DARK);
    // A value that is not a theme is said in the embed, which follows the page.
    expect(await background(page, 'bad')).toBe(LIGHT);
    expect(await page.locator('lectern-lesson#bad .lectern-theme-note').textContent()).toMatch(/theme="blue" is not one of light, dark, auto/);
    // The site switches to a dark scheme: the embed without a theme follows, the others keep theirs.
    await page.evaluate(() => { document.documentElement.style.colorScheme = 'dark'; });
    await expect.poll(() => background(page, 'host')).toBe(DARK);
    // The site follows the OS ("light dark") and the OS is light: light.
    await page.evaluate(() => { document.documentElement.style.colorScheme = 'light dark'; });
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => background(page, 'host')).toBe(LIGHT);
    expect(await background(page, 'dark')).toBe(DARK);
    // Changing the attribute restyles without reloading the lesson.
    await page.locator('lectern-lesson#dark').evaluate((e) => e.setAttribute('theme', 'light'));
    await expect.poll(() => background(page, 'dark')).toBe(LIGHT);
    expect(await page.locator('lectern-lesson#dark').getAttribute('data-state')).toBe('ready');
    expect(errors).toEqual([]);
    await page.close();
  });
});
