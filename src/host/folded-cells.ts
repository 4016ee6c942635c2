/**
 * Closed cells that show nothing (declarations only) take no room in a lesson, so no blank gap
 * opens between the paragraphs around them (style.css, `.folds-empty-cells`). Their Edit buttons
 * stay in the left margin, where several would sit on each other (such cells are zero high, and a
 * short paragraph is shorter than a toolbar): each toolbar in the margin moves down (`--stack`, in
 * pixels) just enough to clear the one above it.
 */

/** A cell that takes no room: closed, unedited, and its last run showed nothing. */
export const FOLDED_CELL = '.cell.is-empty:not(.is-open):not(.is-edited)';

/** Keeps the margin toolbars of `root`'s cells clear of each other; returns a stop function. */
export function stackFoldedCells(root: HTMLElement): () => void {
  let frame = 0;
  const update = () => {
    frame = 0;
    stack(root);
  };
  const schedule = () => {
    frame ||= requestAnimationFrame(update);
  };
  const observer = new MutationObserver(schedule);
  observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['class', 'hidden'] });
  window.addEventListener('resize', schedule);
  update();
  return () => {
    observer.disconnect();
    window.removeEventListener('resize', schedule);
    cancelAnimationFrame(frame);
  };
}

const GAP = 2; // px between two toolbars

function stack(root: HTMLElement): void {
  const toolbars = [...root.querySelectorAll<HTMLElement>('.cell > .cell-toolbar')];
  // Read every position first (one layout), then write.
  const placed = toolbars.map((toolbar) => {
    const cell = toolbar.parentElement as HTMLElement;
    const inMargin = cell.offsetParent !== null && getComputedStyle(toolbar).position === 'absolute' && !cell.closest('.lesson-panel');
    const current = parseFloat(cell.style.getPropertyValue('--stack')) || 0;
    const top = toolbar.getBoundingClientRect().top - current;
    return { cell, inMargin, current, top, height: toolbar.offsetHeight };
  });
  let lastBottom = -Infinity;
  for (const { cell, inMargin, current, top, height } of placed) {
    if (!inMargin) {
      if (current) cell.style.removeProperty('--stack');
      continue;
    }
    const offset = Math.max(0, Math.ceil(lastBottom + GAP - top));
    if (offset !== current) {
      if (offset) cell.style.setProperty('--stack', `${offset}px`);
      else cell.style.removeProperty('--stack');
    }
    lastBottom = top + offset + height;
  }
}
