/**
 * Keeps the audience window and the presenter window on the same slide through a
 * BroadcastChannel named after the deck. Either window may move; each announces where it went and
 * follows the other. A window that opens asks where the others are (`hello`).
 *
 * BroadcastChannel exists in browsers and in Node, so this is tested in Node.
 */

export type SyncMessage =
  | { type: 'goto'; slide: number; sender: string }
  | { type: 'hello'; sender: string };

export interface DeckSync {
  /** Tells the other windows that this one now shows `slide` (0-based). */
  announce: (slide: number) => void;
  close: () => void;
}

export interface DeckSyncArgs {
  deckId: string;
  /** Called when another window moved to `slide`. */
  onGoto: (slide: number) => void;
  /** The slide this window shows now, sent to windows that say hello. */
  current: () => number;
}

export function channelName(deckId: string): string {
  return `lectern-slides:${deckId}`;
}

export function isSyncMessage(data: unknown): data is SyncMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  if (typeof message.sender !== 'string') return false;
  if (message.type === 'hello') return true;
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
    close: () => channel.close(),
  };
}
