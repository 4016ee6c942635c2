/**
 * The decks and their images, bundled by Vite: every `slides/*.md` (loaded on demand) and every
 * image under `slides/` (by URL). Bundling them means the static build needs no directory listing
 * and works under any sub-path. Vite-only (import.meta.glob).
 */
import { isDeckRelative, joinPath } from './images.ts';

const deckLoaders = import.meta.glob<string>('/slides/*.md', { query: '?raw', import: 'default' });
const imageUrls = import.meta.glob<string>('/slides/**/*.{svg,png,jpg,jpeg,gif,webp,avif}', {
  query: '?url',
  import: 'default',
  eager: true,
});

/** Deck ids (`08-fine-tuning`), sorted. */
export function deckIds(): string[] {
  return Object.keys(deckLoaders)
    .map((path) => path.replace(/^\/slides\//, '').replace(/\.md$/, ''))
    .sort();
}

export async function loadDeck(deckId: string): Promise<string> {
  const load = deckLoaders[`/slides/${deckId}.md`];
  if (!load) {
    throw new Error(`No deck "${deckId}" in slides/ (decks: ${deckIds().join(', ') || 'none'})`);
  }
  return load();
}

/** The built URL of an image a deck refers to by a path relative to `slides/`, or null. */
export function resolveDeckImage(src: string): string | null {
  if (!isDeckRelative(src)) return null;
  return imageUrls[joinPath('/slides', decodeURI(src))] ?? null;
}
