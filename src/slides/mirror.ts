/**
 * The presenter's previews show what the audience sees: live cells run in the audience window only
 * (training twice would halve both), so the audience window sends HTML snapshots of the cells on
 * the current and next slides, and the presenter puts them, inert, in its own placeholders. Until a
 * snapshot arrives the presenter shows what it can without running anything: nothing for hidden
 * cells, the source of `echo` cells, a short note for the rest. Browser-only.
 */
import { CELL_TAG, type DeckCell } from './cells.ts';
import type { CellSnapshot, DeckSync } from './sync.ts';

const placeholderOf = (root: ParentNode, index: number) => root.querySelector<HTMLElement>(`${CELL_TAG}[data-cell="${index}"]`);

/**
 * A live cell's placeholder as HTML a presenter can show: values that live in properties (a slider's
 * position, a checkbox, a canvas's pixels) written into the markup, hidden parts (hidden cells) left out.
 */
export function snapshotPlaceholder(placeholder: HTMLElement): string {
  const clone = placeholder.cloneNode(true) as HTMLElement;
  const live = placeholder.querySelectorAll('input, select, textarea, canvas');
  const copies = clone.querySelectorAll('input, select, textarea, canvas');
  live.forEach((original, i) => {
    const copy = copies[i];
    if (!copy) return;
    if (original instanceof HTMLInputElement && copy instanceof HTMLInputElement) {
      if (original.type === 'checkbox' || original.type === 'radio') copy.toggleAttribute('checked', original.checked);
      else copy.setAttribute('value', original.value);
    } else if (original instanceof HTMLSelectElement && copy instanceof HTMLSelectElement) {
      [...copy.options].forEach((option, j) => option.toggleAttribute('selected', original.options[j]?.selected ?? false));
    } else if (original instanceof HTMLTextAreaElement) {
      copy.textContent = original.value;
    } else if (original instanceof HTMLCanvasElement) {
      const image = document.createElement('img');
      try {
        image.src = original.toDataURL();
      } catch {
        // A canvas with cross-origin pixels cannot be read: an empty box of its size instead.
      }
      image.alt = original.getAttribute('aria-label') ?? '';
      image.style.cssText = `${original.style.cssText};width:${original.clientWidth}px;height:${original.clientHeight}px`;
      copy.replaceWith(image);
    }
  });
  for (const hidden of clone.querySelectorAll('[hidden]')) hidden.remove();
  return clone.innerHTML;
}

/** The document's constructed stylesheets (CodeMirror's editors), which snapshots of editors need. */
function adoptedCss(): string {
  return document.adoptedStyleSheets.map((sheet) => [...sheet.cssRules].map((rule) => rule.cssText).join('\n')).join('\n');
}

/**
 * In the audience window: once a presenter said hello, sends snapshots of the cells on `slides()`
 * whenever they change (debounced) and whenever asked.
 */
export function publishCells(args: { stage: HTMLElement; cells: DeckCell[]; sync: () => DeckSync; slides: () => number[] }): { hello: () => void; slideChanged: () => void } {
  let listening = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const send = () => {
    timer = undefined;
    const svgs = args.stage.querySelectorAll<SVGSVGElement>(':scope > div.marpit > svg[data-marpit-svg]');
    const cells: CellSnapshot[] = [];
    for (const slide of args.slides()) {
      const svg = svgs[slide];
      if (!svg) continue;
      for (const placeholder of svg.querySelectorAll<HTMLElement>(`${CELL_TAG}[data-cell]`)) {
        cells.push({ index: Number(placeholder.dataset.cell), html: snapshotPlaceholder(placeholder) });
      }
    }
    args.sync().sendCells(cells, adoptedCss());
  };
  // Outputs change often while a cell trains: one snapshot per burst of changes.
  const schedule = () => {
    if (listening && timer === undefined) timer = setTimeout(send, 80);
  };
  const observer = new MutationObserver(schedule);
  return {
    hello() {
      if (!listening) {
        listening = true;
        observer.observe(args.stage, { subtree: true, childList: true, characterData: true, attributes: true });
        args.stage.addEventListener('input', schedule);
        args.stage.addEventListener('change', schedule);
      }
      schedule();
    },
    slideChanged: schedule,
  };
}

/**
 * In the presenter: what each stage shows for a cell before (and without) the audience window.
 * With `onlyOffScreen`, only snapshots on slides the stage no longer shows go back to their stand-in
 * (so a snapshot's ids are never in the document twice).
 */
export function showCellStandIns(cells: DeckCell[], root: ParentNode, onlyOffScreen = false): void {
  for (const cell of cells) {
    const placeholder = placeholderOf(root, cell.index);
    if (!placeholder) continue;
    if (onlyOffScreen && (!placeholder.hasAttribute('data-mirrored') || placeholder.closest('svg[data-marpit-svg]:not([hidden])'))) continue;
    placeholder.removeAttribute('data-mirrored');
    placeholder.inert = false;
    if (cell.options.hidden) {
      placeholder.replaceChildren();
    } else if (cell.options.echo) {
      const pre = document.createElement('pre');
      pre.className = 'lectern-cell-standin';
      pre.textContent = cell.source;
      placeholder.replaceChildren(pre);
    } else {
      const note = document.createElement('p');
      note.className = 'lectern-cell-standin';
      note.textContent = 'Live output: shown when the audience window runs it.';
      placeholder.replaceChildren(note);
    }
  }
}

/** In the presenter: puts the audience's snapshots into the slides the stages show, inert (a preview, not a control). */
export function applyCellSnapshots(stages: ParentNode[], cells: CellSnapshot[], css: string): void {
  let style = document.getElementById('lectern-mirror-css');
  if (!style) {
    style = document.createElement('style');
    style.id = 'lectern-mirror-css';
    document.head.append(style);
  }
  if (style.textContent !== css) style.textContent = css;
  for (const stage of stages) {
    for (const { index, html } of cells) {
      const placeholder = stage.querySelector<HTMLElement>(`svg[data-marpit-svg]:not([hidden]) ${CELL_TAG}[data-cell="${index}"]`);
      if (!placeholder) continue;
      placeholder.setAttribute('data-mirrored', '');
      // Same-origin only (BroadcastChannel): the audience window is this site's own page.
      if (placeholder.innerHTML !== html) placeholder.innerHTML = html;
      placeholder.inert = true;
    }
  }
}
