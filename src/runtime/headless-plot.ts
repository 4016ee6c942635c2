/**
 * The real @observablehq/plot in headless runs (on headless-dom.ts's DOM): figures are the
 * page's SVG, shown on the command line as a line of text (size, marks, axes, facets, legend) and
 * written as standalone SVG files with `lectern run --out DIR`.
 */

type PlotModule = Record<string, unknown> & {
  plot: (options?: Record<string, unknown>) => Element;
  legend: (options?: Record<string, unknown>) => Element;
  Mark: { prototype: { plot: (options?: Record<string, unknown>) => Element } };
};

const patched = new WeakSet<object>();

/**
 * Plot with the headless DOM: Plot finds its document through a global `window`, which headless
 * runs must not define (headless-dom.ts), so every way to draw, `Plot.plot`, `Plot.legend` and
 * `mark.plot()`, gets `{document}` unless the cell gave its own.
 */
export function withDocument(Plot: PlotModule, document: Document): PlotModule {
  if (!patched.has(Plot.Mark.prototype)) {
    patched.add(Plot.Mark.prototype);
    const markPlot = Plot.Mark.prototype.plot;
    Plot.Mark.prototype.plot = function (this: unknown, options = {}) {
      return markPlot.call(this, { document, ...options });
    };
  }
  return {
    ...Plot,
    plot: (options = {}) => Plot.plot({ document, ...options }),
    legend: (options = {}) => Plot.legend({ document, ...options }),
  };
}

/** Whether `node` is a figure: an `<svg>`, or a `<figure>` holding one (Plot with a legend, title or caption). */
export function isFigure(node: Element): boolean {
  return node.tagName.toLowerCase() === 'svg' || (node.tagName === 'FIGURE' && node.querySelector('svg') !== null);
}

const AXIS_OR_GRID = /(^|-)(axis|grid)( |$)|tick/;

/**
 * One line for a figure: "Loss — Plot 640×400: line (1), dot (4) · x "Epoch" 1–10 · y 0.2–0.8 ·
 * fy accuracy, loss · color training, validation".
 */
export function figureText(node: Element): string {
  const svg = mainSvg(node);
  const text = (e: Element | null | undefined): string => e?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
  const titles = ['h2', 'h3'].map((tag) => text(node.querySelector(`:scope > ${tag}`))).filter(Boolean);
  const parts: string[] = [];
  const marks = [...svg.querySelectorAll('g[aria-label]')].filter((g) => !AXIS_OR_GRID.test(g.getAttribute('aria-label') ?? '') && !g.parentElement?.closest('g[aria-label]'));
  const markList = marks.map((g) => {
    const shapes = g.querySelectorAll('path, circle, rect, line, text, image, polygon, polyline, ellipse').length;
    return g.getAttribute('aria-label') === 'frame' ? 'frame' : `${g.getAttribute('aria-label')} (${shapes})`;
  });
  parts.push(`Plot ${svg.getAttribute('width') ?? '?'}×${svg.getAttribute('height') ?? '?'}${markList.length ? `: ${markList.join(', ')}` : ''}`);
  for (const axis of ['x', 'y', 'fx', 'fy']) {
    const label = text(svg.querySelector(`g[aria-label="${axis}-axis label"]`));
    const ticks = [...svg.querySelectorAll(`g[aria-label="${axis}-axis tick label"] text`)].map(text);
    const unique = [...new Set(ticks)];
    if (!label && !unique.length) continue;
    const range = axis.startsWith('f') || unique.length <= 2 ? unique.join(', ') : `${unique[0]}–${unique.at(-1)}`;
    parts.push(`${axis}${label ? ` ${JSON.stringify(label)}` : ''}${range ? ` ${range}` : ''}`);
  }
  const swatches = [...node.querySelectorAll('[class$="-swatch"]')].map(text).filter(Boolean);
  if (swatches.length) parts.push(`color ${swatches.join(', ')}`);
  const caption = text(node.querySelector('figcaption'));
  if (caption) parts.push(caption);
  return `${titles.length ? `${titles.join(' — ')} — ` : ''}${parts.join(' · ')}`;
}

function mainSvg(node: Element): Element {
  if (node.tagName.toLowerCase() === 'svg') return node;
  // A figure's swatch legend holds small svgs of its own: the plot is the biggest.
  const svgs = [...node.querySelectorAll('svg')];
  const area = (svg: Element): number => Number(svg.getAttribute('width') ?? 0) * Number(svg.getAttribute('height') ?? 0);
  return svgs.reduce((a, b) => (area(b) > area(a) ? b : a));
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * A standalone SVG document of the figure. A bare `<svg>` as it is; a `<figure>`'s HTML parts
 * (title, subtitle, swatch legend, caption) are drawn as SVG text and squares around its plot, so
 * the file shows what the page shows.
 */
export function figureSvg(node: Element, serialize: (node: Node) => string): string {
  if (node.tagName.toLowerCase() === 'svg') return withNamespace(serialize(node));
  const document = node.ownerDocument;
  const root = document.createElementNS(SVG_NS, 'svg');
  const add = (tag: string, attributes: Record<string, string | number>, text?: string): Element => {
    const element = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
    if (text !== undefined) element.textContent = text;
    root.append(element);
    return element;
  };
  const font = { 'font-family': 'system-ui, sans-serif', fill: 'currentColor' };
  let y = 0;
  let width = 0;
  for (const child of [...node.children]) {
    const tag = child.tagName.toLowerCase();
    const words = child.textContent?.replace(/\s+/g, ' ').trim() ?? '';
    if (tag === 'h2' || tag === 'h3' || tag === 'figcaption') {
      const size = tag === 'h2' ? 18 : tag === 'h3' ? 14 : 12;
      y += size + 6;
      add('text', { ...font, x: 0, y, 'font-size': size, 'font-weight': tag === 'h2' ? 'bold' : 'normal' }, words);
      y += 6;
    } else if (tag === 'svg') {
      const w = Number(child.getAttribute('width') ?? 0);
      const h = Number(child.getAttribute('height') ?? 0);
      const copy = child.cloneNode(true) as Element;
      copy.setAttribute('y', String(y));
      root.append(copy);
      y += h;
      width = Math.max(width, w);
    } else if (child.querySelector('[class$="-swatch"]')) {
      let x = 0;
      y += 4;
      for (const swatch of child.querySelectorAll('[class$="-swatch"]')) {
        const color = swatch.querySelector('svg')?.getAttribute('fill') ?? 'currentColor';
        const label = swatch.textContent?.trim() ?? '';
        add('rect', { x, y, width: 15, height: 15, fill: color });
        add('text', { ...font, x: x + 20, y: y + 12, 'font-size': 12 }, label);
        x += 20 + label.length * 7 + 16;
      }
      width = Math.max(width, x);
      y += 22;
    }
  }
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(y));
  root.setAttribute('viewBox', `0 0 ${width} ${y}`);
  return withNamespace(serialize(root));
}

function withNamespace(svg: string): string {
  const tagged = /^<svg\b[^>]*\sxmlns=/.test(svg) ? svg : svg.replace(/^<svg\b/, `<svg xmlns="${SVG_NS}"`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${tagged}\n`;
}
