/**
 * The audience view of a deck: one slide at a time filling the window, keyboard navigation
 * (arrows, space, Page Up/Down, Home/End), `?slide=N` kept in the URL, live cells running, a bar
 * with previous/next, the slide number, a link to the slide's lesson section and the presenter
 * view (also key P). Browser-only.
 */
import type { RenderedDeck } from './render.ts';
import { applyAction, clampSlide, keyAction, keyBelongsToFocus, searchWithSlide, type NavAction } from './navigation.ts';
import { focusKind } from './focus-kind.ts';
import { deckHref, lessonHref } from '../site/links.ts';
import { createStage } from './stage.ts';
import { connectDeck } from './sync.ts';
import { mountLiveCells } from './live.ts';
import { publishCells } from './mirror.ts';
import { resolveDeckImage } from './deck-images.ts';

export interface AudienceViewArgs {
  deckId: string;
  deck: RenderedDeck;
  /** The slide to open (0-based). */
  start: number;
  /** Where to put the view. */
  root: HTMLElement;
}

export interface AudienceView {
  goTo: (index: number) => void;
  current: () => number;
}

export async function mountAudienceView(args: AudienceViewArgs): Promise<AudienceView> {
  const { deck, deckId, root } = args;
  const count = deck.slides.length;
  const lessonId = deck.lesson ?? deckId;
  const stage = createStage({ deck, label: 'Slides', resolveImage: resolveDeckImage });
  const bar = createBar(deckId);
  root.replaceChildren(stage.element, bar.element);
  root.classList.add('lectern-deck');

  let current = -1;
  // What the presenter's current and next previews show.
  const mirror = publishCells({ stage: stage.element, cells: deck.cells, sync: () => sync, slides: () => [current, current + 1] });
  const goTo = (index: number) => {
    const next = clampSlide(index, count);
    if (next === current) return;
    current = next;
    stage.show(current);
    const info = deck.slides[current];
    bar.counter.textContent = `${current + 1} / ${count}`;
    bar.previous.disabled = current === 0;
    bar.next.disabled = current === count - 1;
    bar.lessonLink.hidden = !info?.section;
    bar.lessonLink.href = lessonHref(lessonId, info?.section ?? null);
    bar.lessonLink.textContent = info?.section ? `Lesson section: ${info.section}` : 'Lesson';
    history.replaceState(history.state, '', searchWithSlide(location.search, current) + location.hash);
    document.title = `${info?.title || deckId} (${current + 1}/${count}) · Lectern`;
    sync.announce(current);
    mirror.slideChanged();
  };
  const sync = connectDeck({ deckId, onGoto: goTo, current: () => current, onHello: () => mirror.hello() });
  const act = (action: NavAction) => goTo(applyAction(action, current, count));

  bar.previous.addEventListener('click', () => act('previous'));
  bar.next.addEventListener('click', () => act('next'));
  bar.presenter.addEventListener('click', () => openPresenter(deckId, current));
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === 'Escape') {
      // Leaves a slider or an editor so the arrows move slides again.
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
      return;
    }
    const kind = focusKind(event.target);
    if (event.key === 'p' || event.key === 'P') {
      if (kind === 'editor' || kind === 'text') return; // typing a p
      openPresenter(deckId, current);
      return;
    }
    const action = keyAction(event.key, event.shiftKey);
    if (!action || keyBelongsToFocus(kind, event.key)) return;
    event.preventDefault();
    act(action);
  });

  goTo(args.start);
  mountLiveCells(deck.cells, stage.element);
  return { goTo, current: () => current };
}

function openPresenter(deckId: string, slide: number): void {
  window.open(deckHref(deckId, { slide, presenter: true }), `lectern-presenter-${deckId}`, 'popup,width=1200,height=800');
}

interface Bar {
  element: HTMLElement;
  previous: HTMLButtonElement;
  next: HTMLButtonElement;
  counter: HTMLElement;
  lessonLink: HTMLAnchorElement;
  presenter: HTMLButtonElement;
}

function createBar(deckId: string): Bar {
  const element = document.createElement('nav');
  element.className = 'lectern-deck-bar';
  element.setAttribute('aria-label', 'Slide navigation');
  const button = (text: string, label: string) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.setAttribute('aria-label', label);
    return b;
  };
  const previous = button('←', 'Previous slide');
  const next = button('→', 'Next slide');
  const counter = document.createElement('span');
  counter.className = 'lectern-slide-number';
  counter.setAttribute('aria-live', 'polite');
  const lessonLink = document.createElement('a');
  lessonLink.className = 'lectern-lesson-link';
  const presenter = button('Presenter view', 'Open the presenter view (P)');
  const decks = document.createElement('a');
  decks.href = '?';
  decks.textContent = 'All decks';
  decks.title = `Deck ${deckId}`;
  element.append(previous, counter, next, lessonLink, presenter, decks);
  return { element, previous, next, counter, lessonLink, presenter };
}
