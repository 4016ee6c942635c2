/**
 * A rendered deck in the DOM: Marp's HTML and CSS in a container, one slide shown at a time,
 * missing images replaced by their alt text (or nothing). Used by the audience view and, twice
 * (current and next), by the presenter view. Browser-only.
 */
import { browser as marpBrowser } from '@marp-team/marp-core/browser';
import type { RenderedDeck } from './render.ts';
import { rewriteImageUrls } from './images.ts';

export interface Stage {
  element: HTMLElement;
  /** One `<svg data-marpit-svg>` per slide. */
  slides: SVGSVGElement[];
  /** Shows slide `index` (others hidden); an index past the end shows nothing (presenter's "next"). */
  show: (index: number) => void;
}

export interface CreateStageArgs {
  deck: RenderedDeck;
  /** Accessible name of the region, e.g. "Current slide". */
  label: string;
  /** Maps a deck-relative image path to its built URL (null: leave it). Default: leave all. */
  resolveImage?: (src: string) => string | null;
}

export function createStage(args: CreateStageArgs): Stage {
  const element = document.createElement('div');
  element.className = 'lectern-stage';
  element.setAttribute('role', 'region');
  element.setAttribute('aria-label', args.label);
  const style = document.createElement('style');
  style.textContent = args.deck.css;
  const html = args.resolveImage ? rewriteImageUrls(args.deck.html, args.resolveImage) : args.deck.html;
  const template = document.createElement('template');
  template.innerHTML = html;
  element.append(style, template.content);
  const slides = [...element.querySelectorAll<SVGSVGElement>(':scope > div.marpit > svg[data-marpit-svg]')];
  const count = slides.length;
  slides.forEach((svg, i) => {
    svg.setAttribute('role', 'group');
    svg.setAttribute('aria-roledescription', 'slide');
    const title = args.deck.slides[i]?.title;
    svg.setAttribute('aria-label', `Slide ${i + 1} of ${count}${title ? `: ${title}` : ''}`);
  });
  handleMissingImages(element);
  marpBrowser(element);
  return {
    element,
    slides,
    show(index) {
      slides.forEach((svg, i) => {
        if (i === index) svg.removeAttribute('hidden');
        else svg.setAttribute('hidden', '');
      });
    },
  };
}

/** A missing image shows its alt text, or nothing: never the browser's broken-image icon. */
export function handleMissingImages(root: ParentNode): void {
  for (const img of root.querySelectorAll('img')) {
    const replace = () => {
      const alt = img.getAttribute('alt')?.trim();
      if (!alt) {
        img.remove();
        return;
      }
      const span = document.createElement('span');
      span.className = 'lectern-missing-image';
      span.textContent = alt;
      img.replaceWith(span);
    };
    if (img.complete && img.naturalWidth === 0 && img.getAttribute('src')) replace();
    else img.addEventListener('error', replace, { once: true });
  }
}
