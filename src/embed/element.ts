/**
 * `<lectern-lesson src="notebooks/08-fine-tuning.md" section="overfitting">`: a whole lesson or
 * one `##` section, live, on any page. Rendered in a shadow root so the course site's styles and
 * Lectern's do not mix. Every element showing the same lesson shares one lesson runtime (a section
 * still gets the cells it reads from other sections, run but not shown; cells nothing shown needs
 * do not run); all share one tfjs.
 * Browser-only.
 */
import lessonCss from '../host/style.css?inline';
import inputsCss from '@observablehq/inputs/dist/index.css?inline';
import embedCss from './embed.css?inline';
import type { CellBlock } from '../lesson/types.ts';
import { createCellHost, type CellHost } from '../host/cell-host.ts';
import { isolationNoteElement } from './isolation.ts';
import { keepInputsLabelled } from '../host/label-inputs.ts';
import { loadEmbeddedLesson } from './lesson-source.ts';
import { renderStaticBlock } from '../host/static-blocks.ts';
import { cellsNeeded, inlinesIn, sectionBlocks } from './select-section.ts';
import { EditorView } from '@codemirror/view';
import { chooseScheme, cssForScheme, type ThemeChoice } from './theme.ts';
import { followInLessonLinks } from './links.ts';

export const ELEMENT_NAME = 'lectern-lesson';

/** The lesson page's stylesheet targets the document; in a shadow root `:root` is the host. */
const SHADOW_CSS = [inputsCss, lessonCss.replace(/:root\b/g, ':host'), embedCss].join('\n');

const hosts = new Map<string, CellHost>();

function hostFor(key: string): CellHost {
  let host = hosts.get(key);
  if (!host) {
    host = createCellHost();
    hosts.set(key, host);
  }
  return host;
}

export class LecternLessonElement extends HTMLElement {
  static observedAttributes = ['src', 'lesson', 'section', 'theme'];
  private generation = 0;
  private stopLabelling: (() => void) | undefined;
  private stopFollowingPage: (() => void) | undefined;
  private readonly sheet = document.createElement('style');
  private themeNote: HTMLElement | null = null;

  connectedCallback(): void {
    this.followPageScheme();
    void this.render();
  }

  attributeChangedCallback(name: string): void {
    if (!this.isConnected) return;
    if (name === 'theme') this.applyTheme(); // no reload: the lesson keeps running
    else void this.render();
  }

  disconnectedCallback(): void {
    this.stopLabelling?.();
    this.stopFollowingPage?.();
  }

  /** The scheme the element shows now: its `theme` attribute, else the host page's color-scheme. */
  theme(): ThemeChoice {
    return chooseScheme(this.getAttribute('theme'), () => getComputedStyle(this.parentElement ?? document.documentElement).colorScheme);
  }

  private applyTheme(): void {
    const { scheme, problem } = this.theme();
    // The lesson stylesheet declares `color-scheme: light dark` on :host; a fixed scheme overrides it
    // so native controls and scroll bars match too.
    const own = scheme === 'auto' ? '' : `\n:host { color-scheme: ${scheme}; }`;
    const text = cssForScheme(SHADOW_CSS, scheme) + own;
    if (this.sheet.textContent !== text) this.sheet.textContent = text;
    this.dataset.scheme = scheme;
    if (problem && !this.themeNote) {
      this.themeNote = document.createElement('p');
      this.themeNote.className = 'lectern-embed-footer lectern-theme-note';
      this.themeNote.setAttribute('role', 'note');
    }
    if (this.themeNote) {
      this.themeNote.hidden = !problem;
      this.themeNote.textContent = problem ?? '';
      if (!this.themeNote.isConnected && this.sheet.isConnected) this.sheet.after(this.themeNote);
    }
  }

  /** Without a theme attribute, a host page that switches its scheme (a class on <html>) is followed. */
  private followPageScheme(): void {
    this.stopFollowingPage?.();
    const observer = new MutationObserver(() => this.applyTheme());
    for (const node of [document.documentElement, document.body]) {
      if (node) observer.observe(node, { attributes: true, attributeFilter: ['class', 'style', 'data-theme', 'data-color-scheme'] });
    }
    const media = matchMedia('(prefers-color-scheme: dark)');
    const onMedia = () => this.applyTheme();
    media.addEventListener('change', onMedia);
    this.stopFollowingPage = () => {
      observer.disconnect();
      media.removeEventListener('change', onMedia);
    };
  }

  /** Resolves when the element shows its lesson (or its error). */
  ready: Promise<void> = Promise.resolve();

  private render(): Promise<void> {
    const generation = ++this.generation;
    const fresh = !this.shadowRoot;
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    if (fresh) followInLessonLinks(root, this);
    this.applyTheme();
    const container = document.createElement('div');
    container.className = 'lectern-embed lesson';
    container.setAttribute('aria-busy', 'true');
    container.textContent = 'Loading the lesson…';
    root.replaceChildren(this.sheet, ...(this.themeNote ? [this.themeNote] : []), container);
    this.dataset.state = 'loading';
    this.ready = this.show(container, generation).catch((error: unknown) => {
      if (generation !== this.generation) return;
      const box = document.createElement('div');
      box.className = 'lectern-embed-error';
      box.setAttribute('role', 'alert');
      box.textContent = error instanceof Error ? error.message : String(error);
      container.replaceChildren(box);
      container.removeAttribute('aria-busy');
      this.dataset.state = 'error';
    });
    return this.ready;
  }

  private async show(container: HTMLElement, generation: number): Promise<void> {
    const { key, lesson } = await loadEmbeddedLesson({ src: this.getAttribute('src'), lesson: this.getAttribute('lesson'), given: this.dataset.given ?? '<lectern-lesson src> ' });
    if (generation !== this.generation) return;
    const section = this.getAttribute('section');
    const blocks = sectionBlocks(lesson, section);
    const host = hostFor(key);
    const shown: CellBlock[] = [];
    const article = document.createElement('article');
    article.className = 'lesson';
    for (const block of blocks) {
      if (block.type === 'cell') {
        const slot = document.createElement('div');
        article.append(slot);
        host.mount(block, slot);
        shown.push(block);
      } else {
        article.append(renderStaticBlock(block));
      }
    }
    // `${...}` in the shown prose fill their placeholders.
    const inlines = inlinesIn(lesson, blocks);
    for (const inline of inlines) {
      const span = article.querySelector<HTMLElement>(`[data-lectern-inline="${inline.id}"]`);
      if (span) host.mountInline(inline, span);
    }
    // Cells of other sections that the shown ones read: run, not shown. The rest stay idle.
    for (const cell of cellsNeeded(lesson, shown, inlines)) if (!shown.includes(cell)) host.define(cell);
    const note = isolationNoteElement();
    if (note) note.classList.add('lectern-embed-footer');
    container.replaceChildren(...(note ? [article, note] : [article]));
    // CodeMirror mounts its stylesheet in the root an editor is in when created; `echo` cells' editors
    // were created detached (so into the host document, where they style nothing): move them here.
    const root = container.getRootNode();
    if (root instanceof ShadowRoot) for (const dom of container.querySelectorAll('.cm-editor')) EditorView.findFromDOM(dom as HTMLElement)?.setRoot(root);
    container.removeAttribute('aria-busy');
    this.stopLabelling?.();
    this.stopLabelling = keepInputsLabelled(container);
    this.dataset.state = 'ready';
  }
}

/** Defines `<lectern-lesson>` once (a page may load the script twice). */
export function defineLecternLesson(): void {
  if (!customElements.get(ELEMENT_NAME)) customElements.define(ELEMENT_NAME, LecternLessonElement);
}
