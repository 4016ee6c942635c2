/**
 * Shared helpers for browser tests: Debian's Chromium driven by playwright-core,
 * and a Vite dev server on a free localhost port. Browser tests never skip:
 * without /usr/bin/chromium they fail with a message that says what to install.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
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
