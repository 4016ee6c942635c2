import { describe, expect, it } from 'vitest';
import { formatLeaf } from '../../src/host/inspector.ts';

describe('formatLeaf', () => {
  it('prints primitives as a console would', () => {
    expect(formatLeaf('a "quoted" word')).toEqual({ className: 'insp-string', text: '"a \\"quoted\\" word"' });
    expect(formatLeaf(-0).text).toBe('-0');
    expect(formatLeaf(1.5e-7).text).toBe('1.5e-7');
    expect(formatLeaf(12n).text).toBe('12n');
    expect(formatLeaf(undefined).text).toBe('undefined');
    expect(formatLeaf(null).text).toBe('null');
    expect(formatLeaf(Symbol('s')).text).toBe('Symbol(s)');
    expect(formatLeaf(true)).toEqual({ className: 'insp-keyword', text: 'true' });
  });

  it('names functions, dates, regexps and errors', () => {
    expect(formatLeaf(function fineTune() {}).text).toBe('ƒ fineTune()');
    expect(formatLeaf(() => 1).text).toBe('ƒ (anonymous)()');
    expect(formatLeaf(new Date(Date.UTC(2026, 0, 2))).text).toBe('2026-01-02T00:00:00.000Z');
    expect(formatLeaf(/a+b/g).text).toBe('/a+b/g');
    expect(formatLeaf(new TypeError('bad shape')).text).toBe('TypeError: bad shape');
  });
});
