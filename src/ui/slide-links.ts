/**
 * The lesson side of slide ↔ section links: each `##` section heading of a lesson page gets a
 * "Slides" link to the first slide of that section in the lesson's deck (`slides:` in the lesson's
 * front matter, else the deck with the lesson's name, if there is one). Browser-only.
 */
import { deckIds } from '../site/decks.ts';
import { deckHref } from '../site/links.ts';

/** The deck of a lesson, or null: front matter `slides: slides/08-fine-tuning.md`, else same name. */
export function deckForLesson(lessonId: string, slidesPath?: string): string | null {
  const named = slidesPath ? slidesPath.replace(/^.*\//, '').replace(/\.md$/, '') : lessonId;
  return deckIds().includes(named) ? named : null;
}

/** Adds a "Slides" link right after each `h2[id]` under `root`; returns how many it added. */
export function addSlideLinks(root: ParentNode, lessonId: string, slidesPath?: string): number {
  const deckId = deckForLesson(lessonId, slidesPath);
  if (!deckId) return 0;
  let added = 0;
  for (const heading of root.querySelectorAll<HTMLHeadingElement>('h2[id]')) {
    if (heading.nextElementSibling?.classList.contains('lectern-slide-link')) continue;
    const line = document.createElement('p');
    line.className = 'lectern-slide-link';
    const link = document.createElement('a');
    link.href = deckHref(deckId, { section: heading.id });
    link.textContent = `Slides for “${heading.textContent?.trim() ?? heading.id}”`;
    line.append(link);
    heading.after(line);
    added += 1;
  }
  return added;
}
