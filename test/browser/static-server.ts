/**
 * A plain static file server for browser tests, like GitHub Pages: no COOP/COEP headers (so no
 * cross-origin isolation, WASM single-threaded), files served under a sub-path, CORS open for
 * scripts loaded from another origin. Also serves a page from memory on another port, the
 * "course site" of the embedding tests.
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { RunningServer } from './harness.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.md': 'text/markdown; charset=utf-8',
  '.bin': 'application/octet-stream',
};

export interface StaticServerArgs {
  /** Directory to serve. */
  root: string;
  /** URL path the directory appears under, e.g. "/course/". Default: "/". */
  base?: string;
}

/** Serves `root` under `base`; `url` is the full URL of `base`. */
export async function startStaticServer(args: StaticServerArgs): Promise<RunningServer> {
  const base = args.base ?? '/';
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    if (!path.startsWith(base)) {
      response.writeHead(404).end('outside the served sub-path');
      return;
    }
    let file = normalize(join(args.root, path.slice(base.length)));
    if (!file.startsWith(normalize(args.root + sep)) && file !== normalize(args.root)) {
      response.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      response.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Access-Control-Allow-Origin': '*',
      });
      response.end(body);
    } catch {
      response.writeHead(404, { 'Access-Control-Allow-Origin': '*' }).end('not found');
    }
  });
  return listen(server, base);
}

/** Serves one HTML page (and nothing else) on its own port: another origin than the others. */
export async function startPageServer(html: string): Promise<RunningServer> {
  const server = createServer((request, response) => {
    if ((request.url ?? '/').split('?')[0] === '/') {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
    } else {
      response.writeHead(404).end();
    }
  });
  return listen(server, '/');
}

function listen(server: Server, base: string): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') {
        reject(new Error('static server has no TCP address'));
        return;
      }
      resolve({
        url: `http://127.0.0.1:${address.port}${base}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
