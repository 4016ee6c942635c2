/**
 * The DOM observer of an inline expression (`${...}` in prose): its value goes into the
 * placeholder span the lesson's HTML has for it, as src/runtime/inline.ts says (a node inserted,
 * an iterable item by item, a rich() value's HTML, else text). While it recomputes the old value
 * stays, dimmed; an error shows in its place, short, with the whole message on hover.
 * Browser-only.
 */
import type { CellObserver } from '../runtime/lesson-runtime.ts';
import { inlineParts } from '../runtime/inline.ts';
import { errorMessage } from './cell-output.ts';

export function createInlineOutput(span: HTMLElement): CellObserver {
  let fresh = true; // the next value of this run replaces what is shown
  let shown = false;
  const setState = (pending: boolean, failed: boolean) => {
    span.classList.toggle('is-pending', pending);
    span.classList.toggle('has-error', failed);
    span.setAttribute('aria-busy', String(pending));
  };
  const show = (value: unknown) => {
    if (fresh) span.replaceChildren();
    fresh = false;
    shown = true;
    span.append(...inlineParts(value).map(toNode));
    setState(false, false);
  };
  return {
    pending() {
      fresh = true;
      shown = false;
      setState(true, false);
    },
    fulfilled(value) {
      fresh = true; // a generator's next value replaces the last
      show(value);
    },
    display: show,
    settled() {
      if (!shown) span.replaceChildren();
      setState(false, false);
    },
    rejected(error) {
      const message = errorMessage(error);
      const problem = document.createElement('span');
      problem.className = 'inline-error';
      problem.setAttribute('role', 'alert');
      problem.title = message;
      problem.textContent = message;
      span.replaceChildren(problem);
      fresh = true;
      setState(false, true);
    },
  };
}

function toNode(part: ReturnType<typeof inlineParts>[number]): Node {
  if (part.kind === 'node') return part.node as Node;
  if (part.kind === 'text') return document.createTextNode(part.text);
  // A cell's HTML is the author's code's output, as in cell outputs.
  const template = document.createElement('template');
  template.innerHTML = part.html;
  return template.content;
}
