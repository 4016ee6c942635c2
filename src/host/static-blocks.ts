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
      // Wide code scrolls sideways: keyboard users must be able to reach and scroll it (axe: scrollable-region-focusable).
      pre.tabIndex = 0;
      const code = document.createElement('code');
      if (block.lang) code.className = `language-${block.lang}`;
      code.textContent = block.source;
      pre.append(code);
      return pre;
    }
    case 'exercise': {
      // Where no check runs (an embed of a section): the task, with hints and solution to open.
      const box = document.createElement('section');
      box.className = 'exercise';
      const title = document.createElement('p');
      title.className = 'exercise-title';
      title.textContent = `Exercise: ${block.title}`;
      const task = document.createElement('div');
      task.className = 'prose';
      setProse(task, block.html);
      box.append(title, task);
      const parts: [string, string][] = [...block.hints.map((h, i): [string, string] => [block.hints.length > 1 ? `Hint ${i + 1}` : 'Hint', h])];
      if (block.solution !== undefined) parts.push(['Solution', block.solution]);
      for (const [label, html] of parts) {
        const details = document.createElement('details');
        const summary = document.createElement('summary');
        summary.textContent = label;
        const body = document.createElement('div');
        body.className = 'prose';
        setProse(body, html);
        details.append(summary, body);
        box.append(details);
      }
      return box;
    }
  }
}
