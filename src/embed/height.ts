/**
 * An embed in an iframe tells its parent how tall its content is, so the frame fits without a
 * scroll bar: `{type: "lectern:height", height}` by postMessage, on load and on every resize.
 * The message carries only a number, so any origin may receive it.
 */

export const HEIGHT_MESSAGE = 'lectern:height';

export interface HeightMessage {
  type: typeof HEIGHT_MESSAGE;
  /** CSS pixels. */
  height: number;
}

export function isHeightMessage(data: unknown): data is HeightMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  return message.type === HEIGHT_MESSAGE && typeof message.height === 'number' && Number.isFinite(message.height) && message.height >= 0;
}

/** In the iframe: posts the document's height to the parent now and whenever it changes. */
export function postHeightToParent(target: Window = window.parent): () => void {
  if (target === window) return () => {};
  let last = -1;
  const post = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    target.postMessage({ type: HEIGHT_MESSAGE, height } satisfies HeightMessage, '*');
  };
  const observer = new ResizeObserver(post);
  observer.observe(document.documentElement);
  post();
  return () => observer.disconnect();
}

/** On the course page: sizes each iframe that posts its height. */
export function fitFramesToContent(): () => void {
  const onMessage = (event: MessageEvent) => {
    if (!isHeightMessage(event.data)) return;
    for (const frame of document.querySelectorAll('iframe')) {
      if (frame.contentWindow === event.source) frame.style.height = `${event.data.height}px`;
    }
  };
  window.addEventListener('message', onMessage);
  return () => window.removeEventListener('message', onMessage);
}
