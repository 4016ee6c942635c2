import { describe, expect, it } from 'vitest';
import { DISPLAY, displayForms, isDisplayable, rich, withDisplay } from '../../src/runtime/display.ts';

describe('display protocol', () => {
  it('rich({html, text}) carries both forms; String() gives the text', () => {
    const value = rich({ html: '<b>4</b> layers', text: '4 layers' });
    expect(isDisplayable(value)).toBe(true);
    expect(displayForms(value)).toEqual({ html: '<b>4</b> layers', text: '4 layers' });
    expect(String(value)).toBe('4 layers');
    expect(`${value}`).toBe('4 layers');
  });

  it('rich(() => forms) computes the forms only when a view asks', () => {
    let calls = 0;
    const value = rich(() => { calls++; return { text: 't', svg: '<svg/>' }; });
    expect(calls).toBe(0);
    expect(displayForms(value)?.svg).toBe('<svg/>');
    expect(calls).toBe(1);
  });

  it('any object answering to Symbol.for("lectern.display") is displayable; other values are not', () => {
    const own = { [Symbol.for('lectern.display')]: () => ({ text: 'mine' }) };
    expect(DISPLAY).toBe(Symbol.for('lectern.display'));
    expect(displayForms(own)).toEqual({ text: 'mine' });
    for (const plain of [null, undefined, 1, 'x', {}, [], () => 1]) expect(displayForms(plain)).toBeUndefined();
  });

  it('withDisplay(value, forms) keeps the value as data: same fields, same JSON, its text as String()', () => {
    const diagnosis = withDisplay({ verdict: 'good fit', gap: 0.02 }, () => ({ text: 'Good fit.', html: '<b>Good fit</b>' }));
    expect(Object.keys(diagnosis)).toEqual(['verdict', 'gap']);
    expect(JSON.stringify(diagnosis)).toBe('{"verdict":"good fit","gap":0.02}');
    expect(diagnosis.verdict).toBe('good fit');
    expect(displayForms(diagnosis)?.html).toBe('<b>Good fit</b>');
    expect(`${diagnosis}`).toBe('Good fit.');
  });
});
