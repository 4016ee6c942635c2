/**
 * Which lesson files a page may load and run. A lesson's cells run with the page's origin: its
 * storage, its cookies, its learners' saved edits. So `embed.html?src=`, `<lectern-lesson src>` and
 * the dev server's `lesson.html?file=` load a lesson only from an origin they trust (the page's
 * own, the one Lectern's script came from, and those the build allows; see allowed-origins.ts),
 * over http(s), without being redirected elsewhere, and only when the answer is a file rather than
 * a web server's HTML fallback page. Runs in Node and the browser (fetch, URL).
 */

/** A lesson URL that the page refuses to load; the message says why and what to do. */
export class LessonUrlError extends Error {
  override name = 'LessonUrlError';
}

export interface LessonUrlArgs {
  /** The URL as given: absolute, or relative to `base`. */
  src: string;
  /** What `src` is relative to (the page's URL). */
  base: string;
  /** Origins whose lessons may run here, e.g. ["https://course.example.org"]. */
  allowedOrigins: readonly string[];
  /** How the URL was given, for messages: "embed.html?src=", "lesson.html?file=". */
  given: string;
}

/** The lesson's absolute URL, or a LessonUrlError when it is not http(s) or not from an allowed origin. */
export function checkLessonUrl({ src, base, allowedOrigins, given }: LessonUrlArgs): URL {
  let url: URL;
  try {
    url = new URL(src, base);
  } catch {
    throw new LessonUrlError(`${given}${src} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LessonUrlError(`${given}${src} is not an http(s) URL: Lectern loads lessons only over http(s)`);
  }
  if (!allowedOrigins.includes(url.origin)) throw foreignOrigin(url, allowedOrigins, given);
  return url;
}

function foreignOrigin(url: URL, allowedOrigins: readonly string[], given: string): LessonUrlError {
  return new LessonUrlError(
    `${given}${url.href} is on another site (${url.origin}), so it is not shown: a lesson's cells run as this site, ` +
      `with its learners' saved work. Lessons load from ${allowedOrigins.join(', ')}; ` +
      `to allow ${url.origin}, build with LECTERN_LESSON_ORIGINS="${url.origin}" (see docs/embedding.md).`,
  );
}

export interface FetchLessonArgs extends LessonUrlArgs {
  /** Default: globalThis.fetch. */
  fetch?: typeof fetch;
}

/**
 * Fetches a lesson file after checkLessonUrl, refusing a redirect to another origin and an HTML
 * answer (a dev server's or static host's fallback page for a file that does not exist).
 * Network failures and HTTP errors become errors naming the URL.
 */
export async function fetchLesson(args: FetchLessonArgs): Promise<{ url: URL; text: string }> {
  const url = checkLessonUrl(args);
  const fetchImpl = args.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await fetchImpl(url.href, { credentials: 'same-origin' });
  } catch (error) {
    throw new Error(`Cannot read the lesson ${url.href} (${error instanceof Error ? error.message : String(error)})`);
  }
  // fetch follows redirects by itself: where it ended up must be trusted as well.
  if (response.url) {
    const final = new URL(response.url);
    if (!args.allowedOrigins.includes(final.origin)) throw foreignOrigin(final, args.allowedOrigins, `${args.given}${url.href} redirects to `);
  }
  if (!response.ok) throw new Error(`Cannot read the lesson ${url.href}: HTTP ${response.status}`);
  const type = response.headers.get('content-type') ?? '';
  if (/^\s*(text\/html|application\/xhtml\+xml)\b/i.test(type)) {
    throw new Error(`Cannot read the lesson ${url.href}: the server answered with an HTML page, not a Markdown file (is the path right?)`);
  }
  return { url, text: await response.text() };
}

/**
 * Reads a list of origins ("https://a.example http://localhost:8080", spaces or commas) as the
 * build's configuration gives it; anything that is not exactly an http(s) origin is an error.
 */
export function parseOrigins(text: string | undefined, source = 'LECTERN_LESSON_ORIGINS'): string[] {
  const entries = (text ?? '').split(/[\s,]+/).filter(Boolean);
  return entries.map((entry) => {
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== entry.replace(/\/$/, '')) {
      throw new Error(`${source}: "${entry}" is not an origin (scheme://host[:port], no path), e.g. https://course.example.org`);
    }
    return url.origin;
  });
}
