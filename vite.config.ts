import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Cross-origin isolation lets the WASM backend use threads (SharedArrayBuffer).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const page = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/**
 * Every HTML page of the static build, by name. Pages link to each other with relative,
 * query-string URLs (lesson.html?lesson=08-fine-tuning) so the build works from any sub-path.
 * Add new pages (slides, embeds) here.
 */
export const pages = {
  index: page('./index.html'),
  lesson: page('./lesson.html'),
};

export default defineConfig({
  // Relative asset URLs: the static build can be served from any directory of any static host.
  base: './',
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: {
    // A minified build breaks tfjs-backend-wasm's threaded worker
    // ("ReferenceError: e is not defined", see the tfjs-backend-wasm README).
    minify: false,
    rolldownOptions: { input: pages },
  },
});
