/** The URL hash form of the page's inputs: values by name after an optional anchor, escaped both ways. */
import { describe, expect, it } from 'vitest';
import { formatHash, parseHash } from '../../src/host/url-state.ts';

describe('inputs in the URL hash', () => {
  it('reads values by name and a leading anchor', () => {
    expect(parseHash('#overfitting&dropout=0.3&backendName=cpu')).toEqual({ anchor: 'overfitting', values: new Map([['dropout', '0.3'], ['backendName', 'cpu']]) });
    expect(parseHash('#dropout=0.3')).toEqual({ anchor: '', values: new Map([['dropout', '0.3']]) });
    expect(parseHash('')).toEqual({ anchor: '', values: new Map() });
    // Broken escapes are read as they are rather than failing the page.
    expect(parseHash('#note=100%')).toEqual({ anchor: '', values: new Map([['note', '100%']]) });
  });

  it('writes what it reads, escaping & = # and spaces', () => {
    const state = { anchor: 'good-fit', values: new Map([['note', 'a & b = #1'], ['classes', 'Bag,Sneaker']]) };
    const hash = formatHash(state);
    expect(hash).toBe('#good-fit&note=a%20%26%20b%20%3D%20%231&classes=Bag%2CSneaker');
    expect(parseHash(hash)).toEqual(state);
    expect(formatHash({ anchor: '', values: new Map() })).toBe('');
  });
});
