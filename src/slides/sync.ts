/**
 * Keeps the audience window and the presenter window on the same slide through a
 * BroadcastChannel named after the deck. Either window may move; each announces where it went and
 * follows the other. A window that opens asks where the others are (`hello`).
 *
 * The audience window also sends what its live cells show (`cells`: HTML snapshots and the
 * stylesheet they need), so the presenter's previews are what the audience sees; it starts once
 * another window has said hello, so a deck shown alone serializes nothing.
 *
 * BroadcastChannel exists in browsers and in Node, so this is tested in Node.
 */

/** What one live cell shows in the audience window: its placeholder's HTML. */
export interface CellSnapshot {
  index: number;
  html: string;
}

export type SyncMessage =
  | { type: 'goto'; slide: number; sender: string }
  | { type: 'hello'; sender: string }
  | { type: 'cells'; cells: CellSnapshot[]; css: string; sender: string };

export interface DeckSync {
  /** Tells the other windows that this one now shows `slide` (0-based). */
  announce: (slide: number) => void;
  /** Sends what this window's live cells show (see CellSnapshot). */
  sendCells: (cells: CellSnapshot[], css: string) => void;
  close: () => void;
}

export interface DeckSyncArgs {
  deckId: string;
  /** Called when another window moved to `slide`. */
  onGoto: (slide: number) => void;
  /** The slide this window shows now, sent to windows that say hello. */
  current: () => number;
  /** Called when another window opens (said hello). Default: nothing. */
  onHello?: () => void;
  /** Called with another window's cell snapshots. Default: ignored. */
  onCells?: (cells: CellSnapshot[], css: string) => void;
}

export function channelName(deckId: string): string {
  return `lectern-slides:${deckId}`;
}

export function isSyncMessage(data: unknown): data is SyncMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  if (typeof message.sender !== 'string') return false;
  if (message.type === 'hello') return true;
  if (message.type === 'cells') {
    return typeof message.css === 'string' && Array.isArray(message.cells) &&
      message.cells.every((c: unknown) => typeof c === 'object' && c !== null && Number.isInteger((c as CellSnapshot).index) && typeof (c as CellSnapshot).html === 'string');
  }
  return message.type === 'goto' && Number.isInteger(message.slide);
}

export function connectDeck(args: DeckSyncArgs): DeckSync {
  const sender = Math.random().toString(36).slice(2);
  const channel = new BroadcastChannel(channelName(args.deckId));
  let lastAnnounced = -1;
  channel.onmessage = (event: MessageEvent) => {
    const message: unknown = event.data;
    if (!isSyncMessage(message) || message.sender === sender) return;
    if (message.type === 'hello') {
      channel.postMessage({ type: 'goto', slide: args.current(), sender } satisfies SyncMessage);
      args.onHello?.();
    } else if (message.type === 'cells') {
      args.onCells?.(message.cells, message.css);
    } else {
      // Remember it so following it does not echo it back.
      lastAnnounced = message.slide;
      args.onGoto(message.slide);
    }
  };
  channel.postMessage({ type: 'hello', sender } satisfies SyncMessage);
  return {
    announce(slide) {
      if (slide === lastAnnounced) return;
      lastAnnounced = slide;
      channel.postMessage({ type: 'goto', slide, sender } satisfies SyncMessage);
    },
    sendCells(cells, css) {
      channel.postMessage({ type: 'cells', cells, css, sender } satisfies SyncMessage);
    },
    close: () => channel.close(),
  };
}
