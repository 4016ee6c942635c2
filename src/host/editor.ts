/**
 * The code editor of one cell: CodeMirror 6 with TypeScript highlighting. Shift-Enter (or
 * Ctrl/Cmd-Enter) runs the cell; every change is reported so the page can save the draft.
 * Tab is left to the browser (no keyboard trap): indentation uses CodeMirror's own bindings.
 */
import { javascript } from '@codemirror/lang-javascript';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { basicSetup } from 'codemirror';

/**
 * Syntax colours as CSS variables (set in style.css for light and dark), chosen for at least
 * 4.5:1 contrast on the editor's background; CodeMirror's default style falls short of that.
 */
const accessibleHighlight = HighlightStyle.define([
  { tag: tags.keyword, color: 'var(--code-keyword)' },
  { tag: [tags.atom, tags.bool, tags.null, tags.number, tags.literal], color: 'var(--code-literal)' },
  { tag: [tags.string, tags.special(tags.string), tags.regexp, tags.escape], color: 'var(--code-string)' },
  { tag: [tags.definition(tags.variableName), tags.function(tags.definition(tags.variableName))], color: 'var(--code-definition)' },
  { tag: [tags.typeName, tags.className, tags.namespace], color: 'var(--code-type)' },
  { tag: tags.comment, color: 'var(--code-comment)', fontStyle: 'italic' },
  { tag: tags.invalid, color: 'var(--error)' },
]);

export interface CellEditorArgs {
  /** Element the editor is appended to. */
  parent: HTMLElement;
  /** Initial source. */
  source: string;
  /** Accessible name of the editing area, e.g. "Source of cell 3". */
  label: string;
  /** Called with the current source on Shift-Enter or Ctrl/Cmd-Enter. */
  onRun: (source: string) => void;
  /** Called with the current source after each change. Default: nothing. */
  onChange?: (source: string) => void;
}

export interface CellEditor {
  view: EditorView;
  getSource: () => string;
  /** Replaces the whole source (e.g. "take new", "reset"); reports it through onChange. */
  setSource: (source: string) => void;
  focus: () => void;
}

export function createCellEditor({ parent, source, label, onRun, onChange }: CellEditorArgs): CellEditor {
  const run = (view: EditorView): boolean => {
    onRun(view.state.doc.toString());
    return true;
  };
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: source,
      extensions: [
        // Highest precedence so Shift-Enter runs the cell instead of inserting a line break.
        Prec.highest(keymap.of([
          { key: 'Shift-Enter', run },
          { key: 'Mod-Enter', run },
        ])),
        basicSetup,
        syntaxHighlighting(accessibleHighlight),
        javascript({ typescript: true }),
        // Long lines wrap: no horizontal scrolling region inside the page's column.
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange?.(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    getSource: () => view.state.doc.toString(),
    setSource: (next) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } }),
    focus: () => view.focus(),
  };
}
