/**
 * In-lesson links (`#underfitting`, the diagnosis's "Read the section on …") inside a
 * `<lectern-lesson>`: the ids they point at live in a shadow root, where the host page's own hash
 * navigation cannot see them. A click on such a link scrolls to its target in this embed, or in
 * another embed of the same lesson on the page, and moves focus there; a target nowhere on the page
 * leaves the link to the browser. Browser-only.
 */

const ELEMENT = 'lectern-lesson';

/** Where `id` is shown: this embed first, then other embeds of the same lesson, then any embed. */
export function findInLessonTarget(id: string, root: ShadowRoot, element: HTMLElement): HTMLElement | null {
  const own = root.getElementById(id);
  if (own) return own;
  const same = (other: Element) => ['src', 'lesson'].every((name) => other.getAttribute(name) === element.getAttribute(name));
  const others = [...document.querySelectorAll(ELEMENT)].filter((other) => other !== element);
  for (const other of [...others.filter(same), ...others.filter((o) => !same(o))]) {
    const found = other.shadowRoot?.getElementById(id);
    if (found) return found;
  }
  return null;
}

export function followInLessonLinks(root: ShadowRoot, element: HTMLElement): void {
  root.addEventListener('click', (event) => {
    if (!(event instanceof MouseEvent) || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // new tab/window: the browser's
    const link = event.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
    const href = link?.getAttribute('href');
    if (!link || !href?.startsWith('#') || href.length < 2) return;
    let id: string;
    try {
      id = decodeURIComponent(href.slice(1));
    } catch {
      return; // a malformed escape: not one of ours
    }
    const target = findInLessonTarget(id, root, element);
    if (!target) return;
    event.preventDefault();
    target.scrollIntoView({ block: 'start' });
    // Keyboard and screen-reader users continue from the section they asked for.
    if (!target.hasAttribute('tabindex')) target.tabIndex = -1;
    target.focus({ preventScroll: true });
  });
}
