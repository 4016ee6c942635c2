/**
 * Static blocks of a lesson as DOM (headings with their anchors, prose, static code), for the lesson
 * page and for embeds.
 * Live cells are mounted by the cell host. Browser-only.
 */
import type { CellBlock, LessonBlock } from '../lesson/types.ts';
import { setProse } from '../trust/sanitize-prose.ts';

export function renderStaticBlock(block: Exclude<LessonBlock, CellBlock>, headingOffset = 0): HTMLElement {
  switch (block.type) {
    case 'heading': {
      const level = Math.min(Math.max(block.depth + headingOffset, 1), 6);
      const heading = document.createElement(`h${level}`);
      heading.id = block.slug;
      setProse(heading, block.html); // the author's HTML, without event handlers or javascript: URLs
      return heading;
    }
    case 'markdown': {
      const prose = document.createElement('div');
      prose.className = 'prose';
      setProse(prose, block.html);
      return prose;
    }
    case 'code': {
      const pre = document.createElement('pre');
      const code = document.createElement('code');
      if (block.lang) code.className = `language-${block.lang}`;
      code.textContent = block.source;
      pre.append(code);
      return pre;
    }
  }
}
