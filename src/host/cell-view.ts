/**
 * The DOM of one live cell: a toolbar (Edit, Reset cell, an "edited" badge), the source editor
 * with its Run button, the output, and the notice shown when the lesson changed a cell the learner edited.
 * It knows nothing of the runtime or of storage: it reports the learner's actions through callbacks
 * and the page decides what they do.
 */
import { createCellEditor, type CellEditor } from './editor.ts';
import { createCellOutput, type CellOutput } from './cell-output.ts';

export interface CellViewArgs {
  /** The cell's id (parseLesson's: `id=name` or `cell-N`): the element's id, so links can point at it. */
  id: string;
  /** 0-based index of the cell in its lesson; shown 1-based to people. */
  index: number;
  /** The source the lesson file has for this cell. */
  lessonSource: string;
  /** The source that runs: the learner's edit if there is one. Default: lessonSource. */
  source?: string;
  /** Show the editor from the start (`ts echo`). Default: false (an Edit button opens it). */
  echo?: boolean;
  /** Hide the cell (`ts hidden`); it still runs. Shown anyway while it has an edit. Default: false. */
  hidden?: boolean;
  /** Called with the editor's source on Run or Shift-Enter. */
  onRun: (source: string) => void;
  /** Called after each keystroke with the editor's source (to save a draft). Default: nothing. */
  onDraft?: (source: string) => void;
  /** Called when the learner asks to reset this cell to the lesson's source. */
  onReset: () => void;
}

export interface CellView {
  element: HTMLElement;
  output: CellOutput;
  /** The editor's current source. */
  getSource: () => string;
  /** Puts a source in the editor (reset, take new) without running it. */
  setSource: (source: string) => void;
  /** Marks the cell as differing from the lesson (badge, Reset button) or not. */
  setEdited: (edited: boolean) => void;
  /** Marks the editor as holding a source that has not run yet. */
  setDirty: (dirty: boolean) => void;
  /** Shows the "the lesson changed this cell" notice; resolves with the learner's choice. */
  askAboutLessonChange: (lessonSource: string) => Promise<'keep' | 'take'>;
  /** Opens the editor and focuses it. */
  openEditor: () => void;
}

let uid = 0;

export function createCellView(args: CellViewArgs): CellView {
  const { id, index, echo = false, hidden = false, onRun, onDraft, onReset } = args;
  const editorId = `${id}-source-${++uid}`;
  let source = args.source ?? args.lessonSource;
  let editor: CellEditor | undefined;

  const element = el('section', 'cell');
  element.id = id;
  element.dataset.cell = String(index);
  element.setAttribute('aria-label', `Cell ${index + 1}`);
  element.hidden = hidden;

  const notice = el('div', 'notice');
  notice.hidden = true;

  const toolbar = el('div', 'cell-toolbar');
  const editButton = button(echo ? 'Hide code' : 'Edit', 'edit-button');
  editButton.setAttribute('aria-expanded', String(echo));
  editButton.setAttribute('aria-controls', editorId);
  editButton.setAttribute('aria-label', `${echo ? 'Hide code of' : 'Edit'} cell ${index + 1}`);
  const runButton = button('Run', 'run-button');
  runButton.setAttribute('aria-label', `Run cell ${index + 1}`);
  runButton.title = 'Run this cell (Shift-Enter)';
  const runHint = el('span', 'hint');
  runHint.textContent = 'Shift-Enter';
  const resetButton = button('Reset cell', 'reset-button');
  resetButton.setAttribute('aria-label', `Reset cell ${index + 1} to the lesson's code`);
  const badge = el('span', 'badge');
  badge.textContent = 'edited';
  badge.hidden = true;
  resetButton.hidden = true;
  toolbar.append(editButton, resetButton, badge);

  // The editor and its Run button: shown for `echo` cells, or when the learner opens the code.
  const sourceBox = el('div', 'cell-source');
  sourceBox.id = editorId;
  sourceBox.hidden = !echo;
  const editorHost = el('div', 'cell-editor');
  const sourceActions = el('div', 'cell-source-actions');
  sourceActions.append(runHint, runButton);
  sourceBox.append(editorHost, sourceActions);

  const outputBox = el('div', 'cell-output');
  outputBox.setAttribute('aria-live', 'polite');
  const output = createCellOutput({ root: outputBox, stateHolder: element });

  element.append(notice, toolbar, sourceBox, outputBox);

  const ensureEditor = (): CellEditor => {
    editor ??= createCellEditor({
      parent: editorHost,
      source,
      label: `Code of cell ${index + 1}`,
      onRun: (text) => onRun(text),
      onChange: (text) => onDraft?.(text),
    });
    return editor;
  };
  if (echo) ensureEditor();

  const setOpen = (open: boolean) => {
    if (open) ensureEditor();
    sourceBox.hidden = !open;
    element.classList.toggle('is-open', open);
    editButton.textContent = open ? 'Hide code' : 'Edit';
    editButton.setAttribute('aria-expanded', String(open));
    editButton.setAttribute('aria-label', `${open ? 'Hide code of' : 'Edit'} cell ${index + 1}`);
  };
  editButton.addEventListener('click', () => {
    const opening = sourceBox.hidden;
    setOpen(opening);
    if (opening) editor?.focus(); // keyboard users land in the code they asked to edit
  });
  runButton.addEventListener('click', () => onRun(ensureEditor().getSource()));
  resetButton.addEventListener('click', () => onReset());

  const view: CellView = {
    element,
    output,
    getSource: () => editor?.getSource() ?? source,
    setSource(next) {
      source = next;
      if (editor && editor.getSource() !== next) editor.setSource(next);
    },
    setEdited(edited) {
      badge.hidden = !edited;
      resetButton.hidden = !edited;
      element.classList.toggle('is-edited', edited);
      // An edited hidden cell is shown, so the learner can always see and undo their change.
      element.hidden = hidden && !edited;
    },
    setDirty(dirty) {
      element.classList.toggle('is-dirty', dirty);
    },
    askAboutLessonChange(lessonSource) {
      setOpen(true);
      element.hidden = false;
      const text = el('p', '');
      text.textContent = `The lesson's code for cell ${index + 1} changed since you edited it. ` +
        'Your version is in the editor; the lesson\'s new version is below.';
      const theirs = el('pre', '');
      theirs.textContent = lessonSource;
      const actions = el('div', 'actions');
      const keep = button('Keep mine', 'keep-mine');
      const take = button('Take the new version', 'take-new');
      actions.append(keep, take);
      notice.replaceChildren(text, theirs, actions);
      notice.setAttribute('role', 'alert');
      notice.hidden = false;
      return new Promise((resolve) => {
        const choose = (choice: 'keep' | 'take') => {
          notice.hidden = true;
          notice.replaceChildren();
          resolve(choice);
        };
        keep.addEventListener('click', () => choose('keep'), { once: true });
        take.addEventListener('click', () => choose('take'), { once: true });
      });
    },
    openEditor() {
      setOpen(true);
      ensureEditor().focus();
    },
  };
  return view;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}

function button(label: string, className: string): HTMLButtonElement {
  const node = el('button', className);
  node.type = 'button';
  node.textContent = label;
  return node;
}
