/**
 * The static build as a learner's browser meets it, for the first-load test and bench/lesson8-page.ts:
 * `vite build` (the project's config) into a temporary folder, what a page fetches (bytes on the
 * wire, per URL, from Chromium's own network events) and the long tasks it runs (PerformanceObserver
 * 'longtask', recorded from the page's first script on).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { PROJECT_ROOT } from './harness.ts';

/** Builds the site into a fresh temporary folder; `remove()` deletes it. */
export async function buildSite(): Promise<{ outDir: string; remove: () => void }> {
  const outDir = mkdtempSync(join(tmpdir(), 'lectern-dist-'));
  await build({ root: PROJECT_ROOT, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  return { outDir, remove: () => rmSync(outDir, { recursive: true, force: true }) };
}

export interface Fetched {
  url: string;
  /** Bytes received for it (headers and body, as Chromium counts them: encodedDataLength). */
  bytes: number;
}

/** What the page fetched so far: `total()` bytes, `list()` each finished request, largest first. */
export interface Traffic {
  total(): number;
  list(): Fetched[];
  /** Resolves once no request has been in flight for `quietMs` (what a step started has arrived). */
  idle(quietMs?: number): Promise<void>;
}

/**
 * Counts every request the page (and its dedicated workers' fetches that Chromium reports to the
 * page) finishes, through the DevTools protocol: call before `page.goto`.
 */
export async function recordTraffic(page: Page): Promise<Traffic> {
  const session = await page.context().newCDPSession(page);
  const urls = new Map<string, string>();
  const finished: Fetched[] = [];
  const inFlight = new Set<string>();
  let lastChange = Date.now();
  session.on('Network.requestWillBeSent', (event) => {
    urls.set(event.requestId, event.request.url);
    inFlight.add(event.requestId);
    lastChange = Date.now();
  });
  session.on('Network.loadingFinished', (event) => {
    finished.push({ url: urls.get(event.requestId) ?? event.requestId, bytes: event.encodedDataLength });
    inFlight.delete(event.requestId);
    lastChange = Date.now();
  });
  session.on('Network.loadingFailed', (event) => {
    inFlight.delete(event.requestId);
    lastChange = Date.now();
  });
  await session.send('Network.enable');
  // A fresh context has an empty cache anyway; this keeps a second page of the same context honest.
  await session.send('Network.setCacheDisabled', { cacheDisabled: true });
  return {
    total: () => finished.reduce((sum, f) => sum + f.bytes, 0),
    list: () => [...finished].sort((a, b) => b.bytes - a.bytes),
    async idle(quietMs = 1000) {
      while (inFlight.size > 0 || Date.now() - lastChange < quietMs) await new Promise((resolve) => setTimeout(resolve, 100));
    },
  };
}

/** One long task: when it started (ms since the page's time origin) and how long it ran. */
export interface LongTask { start: number; duration: number }

/** Starts recording long tasks from the page's first script on: call before `page.goto`. */
export async function recordLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const tasks: { start: number; duration: number }[] = [];
    (globalThis as unknown as { __lecternLongTasks: typeof tasks }).__lecternLongTasks = tasks;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

/** The long tasks recorded so far, in order. */
export function longTasks(page: Page): Promise<LongTask[]> {
  return page.evaluate(() => [...(globalThis as unknown as { __lecternLongTasks: LongTask[] }).__lecternLongTasks]);
}

/** "12 long tasks, longest 180 ms, 1.9 s in all" for the tasks in [from, to). */
export function describeLongTasks(tasks: LongTask[], from = 0, to = Infinity): string {
  const inside = tasks.filter((t) => t.start >= from && t.start < to);
  if (inside.length === 0) return 'no long task';
  const longest = Math.max(...inside.map((t) => t.duration));
  const sum = inside.reduce((s, t) => s + t.duration, 0);
  const over100 = inside.filter((t) => t.duration > 100).length;
  return `${inside.length} long tasks, longest ${Math.round(longest)} ms, ${over100} over 100 ms, ${(sum / 1000).toFixed(1)} s in all`;
}

/** "23.8 MB" */
export const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
