/**
 * URLs between decks and lessons. Query-string URLs relative to the site root, so the static
 * build works under any sub-path. No DOM.
 *
 * The lesson page links a section to its slide with `deckHref(lessonId, {section})`: the deck page
 * opens at the first slide of that section.
 */

/** The page that shows decks (a file of the build, next to the lesson pages). */
export const DECK_PAGE = 'slides.html';
/** The page that shows lessons. */
export const LESSON_PAGE = 'lesson.html';

export interface DeckHrefArgs {
  /** 0-based slide to open; default: the first slide (or the section's first slide). */
  slide?: number;
  /** Lesson section id: opens the first slide of that section. Default: none. */
  section?: string;
  /** Open the presenter view instead of the audience view. Default: false. */
  presenter?: boolean;
}

export function deckHref(deckId: string, args: DeckHrefArgs = {}): string {
  const params = new URLSearchParams({ deck: deckId });
  if (args.section) params.set('section', args.section);
  if (args.slide !== undefined) params.set('slide', String(args.slide + 1));
  if (args.presenter) params.set('view', 'presenter');
  return `${DECK_PAGE}?${params.toString()}`;
}

/** A lesson section on the lesson page: `lesson.html?lesson=08-fine-tuning#overfitting`. */
export function lessonHref(lessonId: string, section: string | null): string {
  const params = new URLSearchParams({ lesson: lessonId });
  return `${LESSON_PAGE}?${params.toString()}${section ? `#${encodeURIComponent(section)}` : ''}`;
}

/** Index of the first slide of `section`, or null when no slide belongs to it. */
export function firstSlideOf(sections: (string | null)[], section: string): number | null {
  const index = sections.indexOf(section);
  return index < 0 ? null : index;
}
