/**
 * The deck page in Chromium: every slide of slides/08-fine-tuning.md with its Marp features,
 * keyboard navigation and ?slide=N, a live cell reacting to its slider, and the presenter window
 * kept in step with the audience window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startDevServer, type RunningServer } from './harness.ts';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openDeck(query: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/slides.html?${query}`);
  await page.waitForSelector('#lectern-slides[data-ready="true"]', { timeout: 90_000 });
  return { page, errors };
}

const visibleSlide = (page: Page) =>
  page.evaluate(() => {
    const svgs = [...document.querySelectorAll('.lectern-stage svg[data-marpit-svg]')];
    return svgs.findIndex((s) => !s.hasAttribute('hidden'));
  });
const slideParam = (page: Page) => new URL(page.url()).searchParams.get('slide');

describe('deck page', () => {
  it('renders every slide of the lesson 8 deck with its features', async () => {
    const { page, errors } = await openDeck('deck=08-fine-tuning');
    const facts = await page.evaluate(() => {
      const slides = [...document.querySelectorAll('.lectern-stage svg[data-marpit-svg]')];
      const sections = (i: number) => slides[i]!.querySelector('section:not([data-marpit-advanced-background="background"]):not([data-marpit-advanced-background="pseudo"])')!;
      const header = (i: number) => sections(i).querySelector('header')?.textContent ?? null;
      const scoped = getComputedStyle(sections(0).querySelector('h1')!).color;
      const unscoped = getComputedStyle(slides[2]!.querySelector('h2')!).color;
      return {
        count: slides.length,
        labels: slides.map((s) => s.getAttribute('aria-label')),
        headerFirst: header(0),
        headerSecond: header(1),
        pagination: sections(2).getAttribute('data-marpit-pagination'),
        lastPaginate: sections(slides.length - 1).getAttribute('data-paginate'),
        scoped,
        unscoped,
        split: slides[0]!.querySelector('[data-marpit-advanced-background-split="right"]') !== null,
        bgImage: (slides[0]!.querySelector('figure') as HTMLElement | null)?.style.backgroundImage ?? '',
      };
    });
    // The split background's image is the deck's own file (bundled), and it loads.
    const bgLoads = await page.evaluate(async (css) => {
      const img = new Image();
      img.src = /url\("(.*)"\)/.exec(css)![1]!;
      await img.decode();
      return img.naturalWidth;
    }, facts.bgImage);
    expect(bgLoads).toBeGreaterThan(0);
    expect(facts.count).toBe(15);
    expect(facts.labels[0]).toBe('Slide 1 of 15: Fine-tuning');
    expect(facts.headerFirst).toBeNull();
    expect(facts.headerSecond).toBe('Lectern · Deep learning with Keras');
    expect(facts.pagination).toBe('3');
    expect(facts.lastPaginate).toBeNull();
    expect(facts.scoped).toBe('rgb(11, 110, 79)');
    expect(facts.unscoped).not.toBe(facts.scoped);
    expect(facts.split).toBe(true);
    // The sized image loads; the missing one shows its alt text instead of a broken image.
    await page.goto(`${server.url}/slides.html?deck=08-fine-tuning&slide=15`);
    await page.waitForSelector('.lectern-missing-image');
    const last = await page.evaluate(() => {
      const slide = [...document.querySelectorAll('.lectern-stage svg[data-marpit-svg]')].at(-1)!;
      const img = slide.querySelector('img')!;
      return {
        imgWidth: img.naturalWidth,
        styleWidth: img.style.width,
        missing: slide.querySelector('.lectern-missing-image')?.textContent,
        brokenImages: [...slide.querySelectorAll('img')].filter((i) => i.complete && i.naturalWidth === 0).length,
      };
    });
    expect(last.imgWidth).toBeGreaterThan(0);
    expect(last.styleWidth).toBe('400px');
    expect(last.missing).toBe('Course QR code (not shipped with Lectern)');
    expect(last.brokenImages).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('navigates with the keyboard only and keeps ?slide=N', async () => {
    const { page } = await openDeck('deck=08-fine-tuning&slide=3');
    expect(await visibleSlide(page)).toBe(2);
    for (const [key, expected] of [
      ['ArrowRight', 3],
      ['Space', 4],
      ['PageDown', 5],
      ['ArrowLeft', 4],
      ['PageUp', 3],
      ['Shift+Space', 2],
      ['End', 14],
      ['ArrowRight', 14],
      ['Home', 0],
      ['ArrowDown', 1],
      ['ArrowUp', 0],
    ] as const) {
      await page.keyboard.press(key);
      expect(await visibleSlide(page), key).toBe(expected);
      expect(slideParam(page), key).toBe(String(expected + 1));
    }
    expect(await page.locator('.lectern-slide-number').textContent()).toBe('1 / 15');
    // Tab reaches the navigation buttons; Enter on "Next slide" moves once.
    await page.locator('button[aria-label="Next slide"]').focus();
    await page.keyboard.press('Enter');
    expect(await visibleSlide(page)).toBe(1);
    await page.keyboard.press('Space');
    expect(await visibleSlide(page)).toBe(2);
    // The slide links to its lesson section.
    const href = await page.locator('.lectern-lesson-link').getAttribute('href');
    expect(href).toBe('lesson.html?lesson=08-fine-tuning#fine-tuning');
    await page.close();
  });

  it('runs live cells on the lessons\' runtime: the summary follows the Trainable layers slider', async () => {
    const { page, errors } = await openDeck('deck=08-fine-tuning&slide=4');
    const said = page.locator('.lectern-say').first();
    await expect.poll(() => said.textContent(), { timeout: 60_000 }).toMatch(/parameters train/);
    const before = await said.textContent();
    const slider = page.getByRole('slider', { name: 'Trainable layers' });
    // Keyboard only: Tab into the slider, arrows move it (not the slides), Escape gives arrows back.
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await slider.inputValue()).toBe('6');
    expect(await visibleSlide(page)).toBe(3);
    await expect.poll(() => said.textContent()).not.toBe(before);
    const trainable = Number((await said.textContent())!.split(' of ')[0]!.replace(/,/g, ''));
    // A clicker's Page Down / Page Up still move slides while the slider has the focus.
    await page.keyboard.press('PageDown');
    expect(await visibleSlide(page)).toBe(4);
    await page.keyboard.press('PageUp');
    expect(await visibleSlide(page)).toBe(3);
    expect(await slider.inputValue()).toBe('6');
    await page.keyboard.press('Escape');
    await page.keyboard.press('ArrowRight');
    expect(await visibleSlide(page)).toBe(4);
    // The summary cell on the next slide reads the same frozen model: same trainable count.
    const summary = page.locator('.lectern-summary');
    const summaryText = async () => (await summary.innerText()).replace(/\s+/g, ' ');
    await expect.poll(summaryText, { timeout: 30_000 }).toContain(`Trainable params: ${trainable.toLocaleString('en')} `);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('trains from the slide: the curves draw after Train is switched on with the keyboard', async () => {
    const { page, errors } = await openDeck('deck=08-fine-tuning&slide=14');
    const toggle = page.getByRole('checkbox', { name: 'Train' });
    await toggle.waitFor({ timeout: 60_000 });
    expect(await page.locator('.lectern-say').last().textContent()).toContain('Turn on Train');
    await toggle.focus();
    await page.keyboard.press('Space');
    expect(await toggle.isChecked()).toBe(true);
    expect(await visibleSlide(page)).toBe(13);
    // A Plot chart with a training and a validation line appears and gains points epoch by epoch.
    const pointsPerLine = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('.lectern-stage svg[data-marpit-svg]:not([hidden]) lectern-cell svg g[aria-label="line"] path')].map(
          (path) => (path.getAttribute('d') ?? '').split('L').length,
        ),
      );
    await expect.poll(async () => (await pointsPerLine()).length, { timeout: 120_000 }).toBe(2);
    await expect.poll(async () => Math.min(...(await pointsPerLine())), { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
    await page.keyboard.press('Space');
    expect(await toggle.isChecked()).toBe(false);
    await expect.poll(() => page.locator('.lectern-say').last().textContent()).toContain('Turn on Train');
    // Focus is still in the toggle: a clicker's Page Down and arrows move slides, Space stays the toggle's.
    expect(await toggle.evaluate((t) => t === document.activeElement)).toBe(true);
    await page.keyboard.press('PageDown');
    expect(await visibleSlide(page)).toBe(14);
    await page.keyboard.press('ArrowLeft');
    await toggle.focus();
    await page.keyboard.press('ArrowLeft');
    expect(await visibleSlide(page)).toBe(12);
    expect(await page.locator('lectern-cell input[type="checkbox"]').evaluate((t) => (t as HTMLInputElement).checked)).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('opens at the first slide of a lesson section', async () => {
    const { page } = await openDeck('deck=08-fine-tuning&section=overfitting');
    expect(await visibleSlide(page)).toBe(9);
    expect(await page.locator('.lectern-lesson-link').getAttribute('href')).toBe('lesson.html?lesson=08-fine-tuning#overfitting');
    await page.close();
  });

  it('keeps the presenter window in step with the audience window', async () => {
    const { page } = await openDeck('deck=08-fine-tuning&slide=1');
    const [presenter] = await Promise.all([page.context().waitForEvent('page'), page.keyboard.press('p')]);
    await presenter.waitForSelector('#lectern-slides[data-ready="true"]', { timeout: 90_000 });
    const notes = () => presenter.locator('.lectern-notes').textContent();
    const presenterSlides = () =>
      presenter.evaluate(() =>
        [...document.querySelectorAll('.lectern-stage')].map((stage) =>
          [...stage.querySelectorAll('svg[data-marpit-svg]')].findIndex((s) => !s.hasAttribute('hidden')),
        ),
      );
    expect(await presenterSlides()).toEqual([0, 1]);
    expect(await notes()).toContain('Welcome.');
    expect(await presenter.locator('.lectern-timer time').textContent()).toMatch(/^\d\d:\d\d$/);

    await page.keyboard.press('ArrowRight');
    await expect.poll(presenterSlides).toEqual([1, 2]);
    expect(await notes()).toContain('Remind the class of EarlyStopping');

    await presenter.keyboard.press('ArrowRight');
    await presenter.keyboard.press('ArrowRight');
    await expect.poll(() => visibleSlide(page)).toBe(3);
    expect(slideParam(page)).toBe('4');
    expect(await notes()).toContain('Move the slider');
    // The last slide has no next slide to show.
    await presenter.keyboard.press('End');
    await expect.poll(presenterSlides).toEqual([14, -1]);
    await expect.poll(() => visibleSlide(page)).toBe(14);
    await presenter.close();
    await page.close();
  });

  it("shows in the presenter's preview what the audience sees: hidden cells nowhere, outputs as they are", async () => {
    const { page, errors } = await openDeck('deck=08-fine-tuning&slide=4');
    const said = page.locator('.lectern-say').first();
    await expect.poll(() => said.textContent(), { timeout: 60_000 }).toMatch(/parameters train/);
    const [presenter] = await Promise.all([page.context().waitForEvent('page'), page.keyboard.press('p')]);
    presenter.on('pageerror', (e) => errors.push(e.message));
    await presenter.waitForSelector('#lectern-slides[data-ready="true"]', { timeout: 90_000 });
    const shown = (p: Page, stage: string) =>
      p.evaluate((stage) => {
        const svg = document.querySelector(`${stage} svg[data-marpit-svg]:not([hidden])`)!;
        const section = svg.querySelector<HTMLElement>('section')!;
        const box = section.getBoundingClientRect();
        const bottoms = [...section.querySelectorAll('lectern-cell')].map((c) => c.getBoundingClientRect().bottom);
        return {
          text: section.innerText.replace(/\s+/g, ' ').trim(),
          // Nothing below the slide's own box (scaled the same as the slide).
          fits: bottoms.every((b) => b <= box.bottom + 1),
        };
      }, stage);
    const audience = await shown(page, '.lectern-stage');
    expect(audience.text).toMatch(/Trainable layers/);
    expect(audience.text).not.toMatch(/selectBackend|loadBase/); // the hidden cells
    await expect.poll(async () => (await shown(presenter, '.lectern-presenter > .lectern-stage')).text, { timeout: 30_000 }).toBe(audience.text);
    expect((await shown(presenter, '.lectern-presenter > .lectern-stage')).fits).toBe(true);
    // The preview follows the audience's outputs: move the slider there.
    const before = await said.textContent();
    await page.getByRole('slider', { name: 'Trainable layers' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => said.textContent()).not.toBe(before);
    const after = await shown(page, '.lectern-stage');
    await expect.poll(async () => (await shown(presenter, '.lectern-presenter > .lectern-stage')).text).toBe(after.text);
    // A preview is not a control; the next-slide preview is the audience's next slide (the summary).
    expect(await presenter.locator('.lectern-presenter > .lectern-stage svg:not([hidden]) lectern-cell[inert]').count()).toBeGreaterThan(0);
    const summaryIn = (stage: string) => presenter.locator(`${stage} svg[data-marpit-svg]:not([hidden]) .lectern-summary`).count();
    await expect.poll(() => summaryIn('.lectern-presenter-side .lectern-stage'), { timeout: 30_000 }).toBe(1);
    await page.keyboard.press('PageDown');
    await expect.poll(() => summaryIn('.lectern-presenter > .lectern-stage'), { timeout: 30_000 }).toBe(1);
    await expect.poll(async () => (await shown(presenter, '.lectern-presenter > .lectern-stage')).text).toBe((await shown(page, '.lectern-stage')).text);
    expect(errors).toEqual([]);
    await presenter.close();
    await page.close();
  });

  it('links each lesson section to its slide, and back', async () => {
    const lesson = await browser.newPage();
    await lesson.goto(`${server.url}/lesson.html?lesson=08-fine-tuning`);
    await lesson.waitForSelector('.lectern-slide-link a', { timeout: 90_000 });
    const links = await lesson.locator('.lectern-slide-link a').evaluateAll((as) =>
      as.map((a) => ({ section: a.parentElement!.previousElementSibling!.id, href: a.getAttribute('href') })),
    );
    await lesson.close();
    expect(links.length).toBe(8);
    for (const { section, href } of links) expect(href).toBe(`slides.html?deck=08-fine-tuning&section=${section}`);
    // Following one lands on a slide whose own link leads back to that section.
    const overfitting = links.find((l) => l.section === 'overfitting')!;
    const { page } = await openDeck(overfitting.href!.split('?')[1]!);
    expect(await page.locator('.lectern-lesson-link').getAttribute('href')).toBe('lesson.html?lesson=08-fine-tuning#overfitting');
    await page.close();
  });

  it('keeps the whole toolbar on a 390 px phone, every control in view', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${server.url}/slides.html?deck=08-fine-tuning&slide=10`); // a slide with a lesson link
    await page.waitForSelector('#lectern-slides[data-ready="true"]', { timeout: 90_000 });
    const bar = await page.locator('.lectern-deck-bar').evaluate((bar) => ({
      overflow: bar.scrollWidth - bar.clientWidth,
      outside: [...bar.children].filter((c) => !(c as HTMLElement).hidden).filter((c) => {
        const box = c.getBoundingClientRect();
        return box.left < 0 || box.right > innerWidth || box.width === 0;
      }).map((c) => c.textContent),
    }));
    expect(bar).toEqual({ overflow: 0, outside: [] });
    await expect(page.getByRole('link', { name: 'All decks' }).isVisible()).resolves.toBe(true);
    // The page itself does not scroll sideways either.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.close();
  });

  it('lists the decks without ?deck', async () => {
    const { page } = await openDeck('');
    expect(await page.locator('main a').allTextContents()).toContain('08-fine-tuning');
    await page.close();
  });
});
