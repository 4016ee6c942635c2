/**
 * A lesson's prose is Markdown with the author's HTML in it; it becomes DOM through DOMPurify, so
 * event-handler attributes (`<img onerror>`), `javascript:` URLs, `<script>`, frames and the like
 * are dropped while headings, links, images, tables, `<details>`, inline SVG and MathML stay.
 * Cells are the place for code, and they stay the author's code. Browser-only.
 */
import DOMPurify from 'dompurify';

/** The prose as a fragment of this document, without anything that could run. */
export function sanitizedProse(html: string): DocumentFragment {
  return DOMPurify.sanitize(html, { RETURN_DOM_FRAGMENT: true });
}

/** Replaces `element`'s children with the sanitized prose. */
export function setProse(element: Element, html: string): void {
  element.replaceChildren(sanitizedProse(html));
}
