/**
 * The decks bundled by Vite: every `slides/*.md`, loaded on demand. Bundling them means the static
 * build needs no directory listing and works under any sub-path. Vite-only (import.meta.glob).
 */

const deckLoaders = import.meta.glob<string>('/slides/*.md', { query: '?raw', import: 'default' });

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
