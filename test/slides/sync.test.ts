import { afterEach, describe, expect, it } from 'vitest';
import { connectDeck, isSyncMessage, type DeckSync } from '../../src/slides/sync.ts';

const open: DeckSync[] = [];
afterEach(() => open.splice(0).forEach((s) => s.close()));

function waitFor(check: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => (check() ? resolve() : Date.now() - started > 5000 ? reject(new Error('timed out')) : setTimeout(poll, 10));
    poll();
  });
}

describe('connectDeck', () => {
  it('keeps two windows of a deck on one slide, and leaves other decks alone', async () => {
    let audience = 0;
    let presenter = 0;
    let other = 0;
    const a = connectDeck({ deckId: 'd', onGoto: (s) => (audience = s), current: () => audience });
    open.push(a);
    audience = 4;
    // A presenter that opens later hears where the audience is.
    const p = connectDeck({ deckId: 'd', onGoto: (s) => (presenter = s), current: () => presenter });
    open.push(p);
    open.push(connectDeck({ deckId: 'other', onGoto: (s) => (other = s), current: () => other }));
    await waitFor(() => presenter === 4);
    presenter = 7;
    p.announce(7);
    await waitFor(() => audience === 7);
    expect(other).toBe(0);
  });

  it("sends one window's cell snapshots to the others once one said hello", async () => {
    const received: string[] = [];
    let hellos = 0;
    const a = connectDeck({ deckId: 'cells', onGoto: () => {}, current: () => 0, onHello: () => (hellos += 1) });
    open.push(a);
    const p = connectDeck({ deckId: 'cells', onGoto: () => {}, current: () => 0, onCells: (cells, css) => received.push(`${css}|${cells.map((c) => `${c.index}:${c.html}`).join(',')}`) });
    open.push(p);
    await waitFor(() => hellos === 1);
    a.sendCells([{ index: 2, html: '<p>42</p>' }], '.x{}');
    await waitFor(() => received.length === 1);
    expect(received).toEqual(['.x{}|2:<p>42</p>']);
  });

  it('ignores malformed messages', () => {
    expect(isSyncMessage({ type: 'cells', cells: [{ index: 1, html: 2 }], css: '', sender: 'x' })).toBe(false);
    expect(isSyncMessage({ type: 'cells', cells: [{ index: 1, html: '' }], sender: 'x' })).toBe(false);
    expect(isSyncMessage({ type: 'cells', cells: [{ index: 1, html: '' }], css: '', sender: 'x' })).toBe(true);
    expect(isSyncMessage({ type: 'goto', slide: 1.5, sender: 'x' })).toBe(false);
    expect(isSyncMessage({ type: 'goto', slide: 1 })).toBe(false);
    expect(isSyncMessage({ type: 'hello', sender: 'x' })).toBe(true);
    expect(isSyncMessage(null)).toBe(false);
  });
});
