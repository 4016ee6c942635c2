/**
 * The images decks refer to, bundled by Vite: every image under `slides/` (by URL), so the static
 * build needs no directory listing. Vite-only (import.meta.glob).
 */
import { isDeckRelative, joinPath } from './images.ts';

const imageUrls = import.meta.glob<string>('/slides/**/*.{svg,png,jpg,jpeg,gif,webp,avif}', {
  query: '?url',
  import: 'default',
  eager: true,
});

/** The built URL of an image a deck refers to by a path relative to `slides/`, or null. */
export function resolveDeckImage(src: string): string | null {
  if (!isDeckRelative(src)) return null;
  return imageUrls[joinPath('/slides', decodeURI(src))] ?? null;
}
