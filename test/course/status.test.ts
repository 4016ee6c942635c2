/** status(): a line of prose in the page, the same text in `lectern run`. */
import { describe, expect, it } from 'vitest';
import { status } from '../../src/course/displays.ts';
import { displayForms } from '../../src/runtime/display.ts';

describe('status', () => {
  it('shows its text as a paragraph, escaped, and as plain text', () => {
    const forms = displayForms(status('Running on <wasm> & "1 thread".'))!;
    expect(forms.text).toBe('Running on <wasm> & "1 thread".');
    expect(forms.html).toBe('<p class="lectern-status">Running on &#60;wasm&#62; &#38; &#34;1 thread&#34;.</p>');
    expect(String(status('x'))).toBe('x');
  });
});
