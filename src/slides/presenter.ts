/**
 * The presenter view: the current and the next slide, the current slide's speaker notes (Marp's
 * HTML comments), a timer with pause and reset, kept on the audience window's slide through
 * the deck's BroadcastChannel (either window can lead). Live cells run once, in the audience
 * window; the previews show the audience's snapshots of them (src/slides/mirror.ts). Browser-only.
 */
import type { RenderedDeck } from './render.ts';
import { applyAction, clampSlide, keyAction, keyBelongsToFocus, searchWithSlide, type NavAction } from './navigation.ts';
import { focusKind } from './focus-kind.ts';
import { createStage } from './stage.ts';
import { connectDeck } from './sync.ts';
import { applyCellSnapshots, showCellStandIns } from './mirror.ts';
import { resolveDeckImage } from './deck-images.ts';
import { elapsed, formatElapsed, startTimer, togglePause, type TimerState } from './timer.ts';

export interface PresenterViewArgs {
  deckId: string;
  deck: RenderedDeck;
  start: number;
  root: HTMLElement;
}

export function mountPresenterView(args: PresenterViewArgs): { goTo: (index: number) => void } {
  const { deck, deckId, root } = args;
  const count = deck.slides.length;
  const currentStage = createStage({ deck, label: 'Current slide', resolveImage: resolveDeckImage });
  const nextStage = createStage({ deck, label: 'Next slide', resolveImage: resolveDeckImage });
  showCellStandIns(deck.cells, currentStage.element);
  showCellStandIns(deck.cells, nextStage.element);

  const heading = document.createElement('h1');
  heading.className = 'lectern-visually-hidden';
  heading.textContent = `Presenter view: ${deckId}`;
  const notes = document.createElement('section');
  notes.className = 'lectern-notes';
  notes.setAttribute('aria-label', 'Speaker notes');
  const counter = document.createElement('p');
  counter.className = 'lectern-slide-number';
  counter.setAttribute('aria-live', 'polite');
  const timer = createTimer();
  const nav = document.createElement('nav');
  nav.setAttribute('aria-label', 'Slide navigation');
  const previous = makeButton('← Previous', 'Previous slide');
  const next = makeButton('Next →', 'Next slide');
  nav.append(previous, counter, next);

  const layout = document.createElement('div');
  layout.className = 'lectern-presenter';
  const side = document.createElement('div');
  side.className = 'lectern-presenter-side';
  side.append(nextStage.element, timer.element, nav, notes);
  layout.append(currentStage.element, side);
  root.replaceChildren(heading, layout);

  let current = -1;
  const goTo = (index: number) => {
    const target = clampSlide(index, count);
    if (target === current) return;
    current = target;
    currentStage.show(current);
    nextStage.show(current + 1);
    for (const stage of [currentStage, nextStage]) showCellStandIns(deck.cells, stage.element, true);
    counter.textContent = `Slide ${current + 1} / ${count}`;
    previous.disabled = current === 0;
    next.disabled = current === count - 1;
    const items = deck.slides[current]?.notes ?? [];
    notes.replaceChildren(
      ...(items.length ? items : ['(no notes for this slide)']).map((text) => {
        const p = document.createElement('p');
        p.textContent = text;
        return p;
      }),
    );
    history.replaceState(history.state, '', searchWithSlide(location.search, current) + location.hash);
    sync.announce(current);
  };
  const sync = connectDeck({
    deckId,
    onGoto: goTo,
    current: () => current,
    onCells: (cells, css) => applyCellSnapshots([currentStage.element, nextStage.element], cells, css),
  });
  const act = (action: NavAction) => goTo(applyAction(action, current, count));
  previous.addEventListener('click', () => act('previous'));
  next.addEventListener('click', () => act('next'));
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const action = keyAction(event.key, event.shiftKey);
    if (!action || keyBelongsToFocus(focusKind(event.target), event.key)) return;
    event.preventDefault();
    act(action);
  });
  document.title = `Presenter · ${deckId} · Lectern`;
  goTo(args.start);
  return { goTo };
}

function makeButton(text: string, label: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.setAttribute('aria-label', label);
  return b;
}

function createTimer(): { element: HTMLElement } {
  const element = document.createElement('div');
  element.className = 'lectern-timer';
  const time = document.createElement('time');
  time.setAttribute('aria-label', 'Elapsed time');
  const pause = makeButton('Pause', 'Pause or resume the timer');
  const reset = makeButton('Reset', 'Reset the timer');
  element.append(time, pause, reset);
  let state: TimerState = startTimer(Date.now());
  const paint = () => {
    time.textContent = formatElapsed(elapsed(state, Date.now()));
    pause.textContent = state.runningSince === null ? 'Resume' : 'Pause';
  };
  pause.addEventListener('click', () => {
    state = togglePause(state, Date.now());
    paint();
  });
  reset.addEventListener('click', () => {
    state = startTimer(Date.now());
    paint();
  });
  paint();
  setInterval(paint, 500);
  return { element };
}
