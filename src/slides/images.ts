/**
 * Image URLs in rendered decks. A deck's relative image paths are relative to the deck file in
 * `slides/`; those files are bundled by the page (see deck-images.ts) and get their built URL here.
 * Paths with no bundled file stay as they are, so they resolve against the site root, where
 * `public/` files are served. No DOM.
 */

/** Rewrites `<img src="…">` and `url(&quot;…&quot;)` (Marp's backgrounds) through `resolve`. */
export function rewriteImageUrls(html: string, resolve: (src: string) => string | null): string {
  const swap = (src: string) => resolve(src) ?? src;
  return html
    .replace(/(<img\b[^>]*?\ssrc=")([^"]*)(")/g, (_, before: string, src: string, after: string) => before + swap(src) + after)
    .replace(/(url\(&quot;)(.*?)(&quot;\))/g, (_, before: string, src: string, after: string) => before + swap(src) + after);
}

/** Whether a URL is relative to the deck (not absolute, root-relative, data: or blob:). */
export function isDeckRelative(src: string): boolean {
  return src !== '' && !/^([a-z][a-z0-9+.-]*:|\/|#)/i.test(src);
}

/** `slides/<dir>/../x.svg` style joins, without touching the filesystem. */
export function joinPath(dir: string, relative: string): string {
  const parts = dir.split('/').filter(Boolean);
  for (const part of relative.split('?')[0]!.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return `/${parts.join('/')}`;
}
