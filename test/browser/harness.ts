/**
 * Shared helpers for browser tests: Debian's Chromium driven by playwright-core,
 * and a Vite dev server on a free localhost port. Browser tests never skip:
 * without /usr/bin/chromium they fail with a message that says what to install.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';

export const CHROMIUM_PATH = process.env.LECTERN_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium) ` +
        'or set LECTERN_CHROMIUM to its path. Browser tests are part of the suite and are never skipped.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
}

export interface RunningServer {
  url: string;
  close: () => Promise<void>;
}

/** Starts the project's Vite dev server (with its config) on a free port. */
export async function startDevServer(): Promise<RunningServer> {
  const server: ViteDevServer = await createServer({
    root: PROJECT_ROOT,
    logLevel: 'error',
    server: { port: 0, host: '127.0.0.1', strictPort: false },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('Vite dev server has no TCP address');
  return { url: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeArgs {
  /** CSS selector of the part to check. Default: the whole document. */
  include?: string;
  /** CSS selectors left out (e.g. third-party SVG). Default none. */
  exclude?: string[];
  /** Impacts that count. Default serious and critical; 'all' counts every violation. */
  impacts?: readonly string[] | 'all';
}

/** axe-core violations on the page as it is now, one line each with the first offending nodes. */
export async function axeViolations(page: Page, { include, exclude = [], impacts = ['serious', 'critical'] }: AxeArgs = {}): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const counted = impacts === 'all' ? null : [...impacts];
  return page.evaluate(
    async ({ include, exclude, counted }) => {
      interface Violation { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }
      type Context = { include: (Document | Element)[]; exclude: string[][] };
      // axe is the global axe-core installs in the page; typed here because it ships no page types.
      const axe = (window as unknown as { axe: { run: (ctx: Context, options: object) => Promise<{ violations: Violation[] }> } }).axe;
      const root = include ? document.querySelector(include) : document;
      if (!root) throw new Error(`axe: nothing matches ${include}`);
      const { violations } = await axe.run({ include: [root], exclude: exclude.map((s) => [s]) }, { resultTypes: ['violations'] });
      return violations
        .filter((v) => counted === null || counted.includes(v.impact ?? ''))
        .map((v) => `${v.id} (${v.impact}): ${v.help} ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join('; ')}`);
    },
    { include: include ?? null, exclude, counted },
  );
}
