import { describe, expect, it } from 'vitest';
import { applyAction, deckIdFromSearch, keyAction, keyBelongsToFocus, searchWithSlide, slideFromSearch } from '../../src/slides/navigation.ts';
import { deckHref, firstSlideOf, lessonHref } from '../../src/site/links.ts';
import { elapsed, formatElapsed, startTimer, togglePause } from '../../src/slides/timer.ts';
import { isDeckRelative, joinPath, rewriteImageUrls } from '../../src/slides/images.ts';

describe('navigation', () => {
  it('maps the usual keys', () => {
    expect(['ArrowRight', 'ArrowDown', 'PageDown', ' '].map((k) => keyAction(k))).toEqual(['next', 'next', 'next', 'next']);
    expect(['ArrowLeft', 'ArrowUp', 'PageUp'].map((k) => keyAction(k))).toEqual(['previous', 'previous', 'previous']);
    expect(keyAction(' ', true)).toBe('previous');
    expect(keyAction('Home')).toBe('first');
    expect(keyAction('End')).toBe('last');
    expect(keyAction('a')).toBeNull();
  });
  it('stays inside the deck', () => {
    expect(applyAction('next', 4, 5)).toBe(4);
    expect(applyAction('previous', 0, 5)).toBe(0);
    expect(applyAction('last', 1, 5)).toBe(4);
    expect(applyAction('next', 1, 5)).toBe(2);
  });
  it('reads and writes 1-based ?slide=N', () => {
    expect(slideFromSearch('?deck=x&slide=3', 10)).toBe(2);
    expect(slideFromSearch('?slide=99', 10)).toBe(9);
    expect(slideFromSearch('?slide=0', 10)).toBe(0);
    expect(slideFromSearch('?slide=abc', 10)).toBe(0);
    expect(slideFromSearch('', 10)).toBe(0);
    expect(searchWithSlide('?deck=x&slide=3', 6)).toBe('?deck=x&slide=7');
    expect(deckIdFromSearch('?deck=08-fine-tuning')).toBe('08-fine-tuning');
    expect(deckIdFromSearch('?deck=../etc/passwd')).toBeNull();
  });
});

describe('links', () => {
  it('builds relative query-string URLs', () => {
    expect(deckHref('08-fine-tuning', { section: 'overfitting' })).toBe('slides.html?deck=08-fine-tuning&section=overfitting');
    expect(deckHref('d', { slide: 2, presenter: true })).toBe('slides.html?deck=d&slide=3&view=presenter');
    expect(lessonHref('08-fine-tuning', 'overfitting')).toBe('lesson.html?lesson=08-fine-tuning#overfitting');
    expect(firstSlideOf([null, 'a', 'a', 'b'], 'a')).toBe(1);
    expect(firstSlideOf([null, 'a'], 'z')).toBeNull();
  });
});

describe('timer', () => {
  it('counts, pauses and resumes', () => {
    let t = startTimer(1000);
    expect(elapsed(t, 4000)).toBe(3000);
    t = togglePause(t, 4000);
    expect(elapsed(t, 60_000)).toBe(3000);
    t = togglePause(t, 60_000);
    expect(elapsed(t, 61_000)).toBe(4000);
    expect(formatElapsed(65_000)).toBe('01:05');
    expect(formatElapsed(3_725_000)).toBe('1:02:05');
  });
});

describe('images', () => {
  it('rewrites img sources and Marp backgrounds through the resolver', () => {
    const html = '<img src="a.svg" alt=""><figure style="background-image:url(&quot;b.png&quot;);"></figure><img src="https://x/y.png">';
    const out = rewriteImageUrls(html, (src) => (isDeckRelative(src) ? `/built/${src}` : null));
    expect(out).toBe('<img src="/built/a.svg" alt=""><figure style="background-image:url(&quot;/built/b.png&quot;);"></figure><img src="https://x/y.png">');
    expect(joinPath('/slides', './img/../a.svg')).toBe('/slides/a.svg');
    expect(isDeckRelative('/root.png')).toBe(false);
    expect(isDeckRelative('data:image/png;base64,')).toBe(false);
  });
});

describe('keyBelongsToFocus', () => {
  it('leaves a clicker its keys after a toggle or slider was used, and an editor all of its own', () => {
    // A toggle (checkbox) keeps Space, the deck gets arrows and Page Down.
    expect(keyBelongsToFocus('checkbox', ' ')).toBe(true);
    expect(keyBelongsToFocus('checkbox', 'ArrowRight')).toBe(false);
    expect(keyBelongsToFocus('checkbox', 'PageDown')).toBe(false);
    // A slider keeps its arrows, not Page Down.
    expect(keyBelongsToFocus('slider', 'ArrowRight')).toBe(true);
    expect(keyBelongsToFocus('slider', 'PageDown')).toBe(false);
    // Typing: a text field keeps arrows and space; an editor keeps everything.
    expect(keyBelongsToFocus('text', ' ')).toBe(true);
    expect(keyBelongsToFocus('text', 'ArrowLeft')).toBe(true);
    expect(keyBelongsToFocus('text', 'PageUp')).toBe(false);
    expect(keyBelongsToFocus('editor', 'PageDown')).toBe(true);
    expect(keyBelongsToFocus('radio', 'ArrowDown')).toBe(true);
    expect(keyBelongsToFocus('button', 'ArrowRight')).toBe(false);
    expect(keyBelongsToFocus('other', ' ')).toBe(false);
  });
});
