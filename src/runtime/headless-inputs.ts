/**
 * The real @observablehq/inputs in headless runs (on headless-dom.ts's DOM): their text form
 * ("Dropout: 0.5") and `lectern run --set name=value`, which sets an input from text the way a
 * reader would set it in the page: picks the option with that label, checks the boxes, types the
 * text, moves the slider. Each input's own code then computes its value, as in the page.
 */

/** An element with a value, as Inputs build them (a form) or a bare `<input>`, `<select>`, `<textarea>`. */
export interface InputElement extends Element {
  value: unknown;
}

/** Whether `value` is an element that `view()` can read: an element with a `value`. */
export function isInputElement(value: unknown): value is InputElement {
  return typeof value === 'object' && value !== null && typeof (value as Element).querySelector === 'function' && 'value' in value;
}

/**
 * Whether `value` is an input built the way Inputs build them: an element given a `value` of its
 * own (Inputs define it on each form, Inputs.form on a div), or a bare input, select or textarea.
 */
export function isInput(value: unknown): value is InputElement {
  return isInputElement(value) && (Object.hasOwn(value, 'value') || /^(INPUT|SELECT|TEXTAREA)$/.test(value.tagName));
}

/** "Dropout: 0.5": the input's label (or kind) and its value, for the command line. */
export function inputText(input: InputElement, format: (value: unknown) => string): string {
  const label = labelOf(input) ?? kindOf(input);
  return `${label.replace(/\s*:\s*$/, '')}: ${format(input.value)}`;
}

/**
 * Sets `input` from `--set` text as a reader would, then fires "input" as the page does. Throws an
 * Error that says what the input accepts when the text does not fit.
 */
export function setFromText(input: InputElement, text: string): void {
  const control = (selector: string): Element | null => (input.matches(selector) ? input : input.querySelector(selector));
  const select = control('select') as HTMLSelectElement | null;
  if (select) return chooseOptions(select, text);
  const toggle = input.matches('[class$="-toggle"]') ? (input.querySelector('input[type=checkbox]') as HTMLInputElement | null) : null;
  if (toggle) return setToggle(input, toggle, text);
  const choices = [...input.querySelectorAll('input[type=radio], input[type=checkbox]')] as HTMLInputElement[];
  if (choices.length) return chooseBoxes(choices, text);
  const number = control('input[type=number], input[type=range]') as HTMLInputElement | null;
  if (number) return setNumber(input, number, text);
  if (control('input[type=file]')) throw new Error('a file input cannot be set from the command line');
  if (input.querySelector('table')) throw new Error('a table\'s selection cannot be set from the command line');
  const field = control('input, textarea') as HTMLInputElement | HTMLTextAreaElement | null;
  if (field) return typeInto(input, field, text);
  const buttons = [...input.querySelectorAll('button')];
  if (buttons.length) return press(buttons, text);
  // Anything else with a value (Inputs.form, a custom input): JSON if the text is JSON, else the text.
  input.value = parseLoose(text);
  fireInput(input);
}

function labelOf(input: InputElement): string | undefined {
  // Inputs put the label first in the form; a checkbox's own labels are inside a div.
  const children = [...input.children];
  const label = children.find((child) => child.tagName === 'LABEL');
  // A lone button without a label is named by its own text.
  const button = children.length === 1 && children[0].tagName === 'BUTTON' ? children[0] : undefined;
  const text = (label ?? button)?.textContent?.trim();
  return text || undefined;
}

function kindOf(input: InputElement): string {
  if (input.matches('[class$="-toggle"]')) return 'toggle';
  if (input.querySelector('table')) return 'table';
  if (input.querySelector('input[type=range]')) return 'range';
  if (input.tagName !== 'FORM' && !input.matches('input, select, textarea')) return 'form';
  const control = input.matches('input, select, textarea') ? input : input.querySelector('input, select, textarea, button');
  if (!control) return input.tagName.toLowerCase();
  if (control.tagName === 'INPUT') return (control as HTMLInputElement).type;
  return control.tagName.toLowerCase();
}

function fireInput(target: EventTarget): void {
  target.dispatchEvent(new Event('input', { bubbles: true }));
}

const quoted = (labels: readonly string[]): string => labels.map((l) => JSON.stringify(l)).join(', ');

/** The labels `text` names: itself if it is one, else its comma-separated parts (multiple choice). */
function wantedLabels(text: string, labels: readonly string[], multiple: boolean): string[] {
  if (!multiple || labels.includes(text)) return [text];
  return text.trim() === '' ? [] : text.split(',').map((part) => part.trim());
}

function chooseOptions(select: HTMLSelectElement, text: string): void {
  const options = [...select.options];
  const labels = options.map((o) => o.textContent ?? '');
  const wanted = wantedLabels(text, labels, select.multiple);
  for (const label of wanted) {
    const option = options[labels.indexOf(label)];
    if (!option) throw new Error(`"${label}" is not one of ${quoted(labels)}`);
    if (option.disabled) throw new Error(`"${label}" is disabled`);
  }
  for (const [i, option] of options.entries()) option.selected = wanted.includes(labels[i]);
  fireInput(select);
}

function chooseBoxes(boxes: HTMLInputElement[], text: string): void {
  const labels = boxes.map((box) => box.closest('label')?.textContent?.trim() ?? box.value);
  const multiple = boxes[0].type === 'checkbox';
  const wanted = wantedLabels(text, labels, multiple);
  if (!multiple && wanted.length !== 1) throw new Error(`expected one of ${quoted(labels)}`);
  for (const label of wanted) {
    const box = boxes[labels.indexOf(label)];
    if (!box) throw new Error(`"${label}" is not one of ${quoted(labels)}`);
    if (box.disabled) throw new Error(`"${label}" is disabled`);
  }
  for (const [i, box] of boxes.entries()) box.checked = wanted.includes(labels[i]);
  fireInput(boxes[0]);
}

/** true/false (yes/no, on/off, 1/0), or one of the toggle's own `values` as text. */
function setToggle(form: InputElement, box: HTMLInputElement, text: string): void {
  for (const checked of [true, false]) {
    box.checked = checked;
    if (typeof form.value !== 'boolean' && String(form.value) === text) return fireInput(box);
  }
  const on = /^(true|yes|on|1)$/i.test(text);
  if (!on && !/^(false|no|off|0)$/i.test(text)) throw new Error(`expected true or false, got "${text}"`);
  box.checked = on;
  fireInput(box);
}

function setNumber(input: InputElement, field: HTMLInputElement, text: string): void {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new Error(`expected a number, got "${text}"`);
  const bounds = [...input.querySelectorAll('input[type=number], input[type=range]'), ...(input.matches('input') ? [input] : [])] as HTMLInputElement[];
  const min = Math.max(...bounds.map((b) => (b.min === '' ? -Infinity : Number(b.min))));
  const max = Math.min(...bounds.map((b) => (b.max === '' ? Infinity : Number(b.max))));
  if (n < min || n > max) throw new Error(`${n} is outside [${min}, ${max}]`);
  if (input === field) {
    field.value = text;
    return fireInput(field);
  }
  input.value = n; // Inputs' setter: a slider rounds to its step; a number box refuses what is not valid
  if (!bounds.some((b) => b.type === 'range') && input.value !== n) {
    throw new Error(`${n} is not a value this input accepts (step ${field.step || 'any'})`);
  }
  fireInput(input);
}

const FORMATS: Record<string, string> = { date: 'YYYY-MM-DD', 'datetime-local': 'YYYY-MM-DDThh:mm', color: '#rrggbb', month: 'YYYY-MM', time: 'hh:mm', week: 'YYYY-Www' };

/** Types `text` into a text field (text, search, date, color, textarea, ...) and, for a form with a submit button, submits it. */
function typeInto(input: InputElement, field: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  field.value = text;
  const type = field.tagName === 'TEXTAREA' ? 'textarea' : (field as HTMLInputElement).type;
  if (field.value !== text && !(type === 'color' && field.value === text.toLowerCase())) {
    throw new Error(`"${text}" is not a valid ${type}${FORMATS[type] ? ` (write ${FORMATS[type]})` : ''}`);
  }
  fireInput(field);
  if (input.querySelector('button[type=submit]')) input.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
}

/** A button: a count of presses, or the label of the one to press once (buttons with reducers). */
function press(buttons: HTMLButtonElement[], text: string): void {
  const labels = buttons.map((b) => b.textContent?.trim() ?? '');
  const named = labels.indexOf(text);
  if (named >= 0) return buttons[named].click();
  const times = Number(text);
  if (buttons.length !== 1 || !Number.isInteger(times) || times < 0) {
    throw new Error(buttons.length === 1 ? `expected a number of presses, got "${text}"` : `"${text}" is not one of ${quoted(labels)}`);
  }
  for (let i = 0; i < times; i++) buttons[0].click();
}

function parseLoose(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The text `setFromText` takes to give `input` the value it has now (the page's URL keeps inputs
 * this way), or undefined for inputs it cannot say: buttons (a count of presses is an action, not a
 * state), files, tables, and values that are not plain data.
 */
export function inputStateText(input: InputElement): string | undefined {
  const control = (selector: string): Element | null => (input.matches(selector) ? input : input.querySelector(selector));
  const select = control('select') as HTMLSelectElement | null;
  if (select) return [...select.options].filter((o) => o.selected).map((o) => o.textContent ?? '').join(',');
  const toggle = input.matches('[class$="-toggle"]') ? (input.querySelector('input[type=checkbox]') as HTMLInputElement | null) : null;
  if (toggle) return String(toggle.checked);
  const choices = [...input.querySelectorAll('input[type=radio], input[type=checkbox]')] as HTMLInputElement[];
  if (choices.length) return choices.filter((box) => box.checked).map((box) => box.closest('label')?.textContent?.trim() ?? box.value).join(',');
  const number = control('input[type=number], input[type=range]') as HTMLInputElement | null;
  if (number) return typeof input.value === 'number' && Number.isFinite(input.value) ? String(input.value) : number.value;
  if (control('input[type=file]') || input.querySelector('table')) return undefined;
  const field = control('input, textarea') as HTMLInputElement | HTMLTextAreaElement | null;
  if (field) return field.value;
  if (input.querySelector('button')) return undefined;
  const value = input.value;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  return undefined;
}
