/**
 * Entry of slides.html: `?deck=08-fine-tuning` shows a deck (`&slide=N`, `&section=overfitting`,
 * `&view=presenter`); without `deck`, a list of the decks. Browser-only.
 */
import '@observablehq/inputs/dist/index.css';
import '../host/style.css';
import './slides.css';
import { renderDeck } from './render.ts';
import { deckIdFromSearch, slideFromSearch } from './navigation.ts';
import { deckHref, firstSlideOf } from '../site/links.ts';
import { deckIds, loadDeck } from '../site/decks.ts';
import { mountAudienceView } from './audience.ts';
import { mountPresenterView } from './presenter.ts';

async function start(root: HTMLElement): Promise<void> {
  const params = new URLSearchParams(location.search);
  const deckId = deckIdFromSearch(location.search);
  if (!deckId) {
    showDeckList(root);
    return;
  }
  const deck = renderDeck(await loadDeck(deckId));
  const section = params.get('section');
  const sectionStart = section && !params.has('slide') ? firstSlideOf(deck.slides.map((s) => s.section), section) : null;
  const start = sectionStart ?? slideFromSearch(location.search, deck.slides.length);
  if (params.get('view') === 'presenter') mountPresenterView({ deckId, deck, start, root });
  else await mountAudienceView({ deckId, deck, start, root });
  root.dataset.ready = 'true';
}

function showDeckList(root: HTMLElement): void {
  const heading = document.createElement('h1');
  heading.textContent = 'Slide decks';
  const list = document.createElement('ul');
  for (const id of deckIds()) {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = deckHref(id);
    link.textContent = id;
    item.append(link);
    list.append(item);
  }
  root.replaceChildren(heading, list);
  root.dataset.ready = 'true';
}

const root = document.getElementById('lectern-slides');
if (!root) throw new Error('slides.html must contain <main id="lectern-slides">');
start(root).catch((error: unknown) => {
  const message = document.createElement('p');
  message.setAttribute('role', 'alert');
  message.className = 'lectern-error';
  message.textContent = `Could not show the deck: ${error instanceof Error ? error.message : String(error)}`;
  root.replaceChildren(message);
  root.dataset.ready = 'error';
  console.error(error);
});
