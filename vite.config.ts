import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { lessonFiles } from './scripts/vite-lesson-files.ts';
import { minifyChunks, THREADED_WASM_FACTORY } from './scripts/vite-minify.ts';
import { parseOrigins } from './src/trust/lesson-url.ts';

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
  slides: page('./slides.html'),
  embed: page('./embed.html'),
  // The embed script for course sites: dist/lectern.js + dist/lectern.css (fixed names, see below).
  lectern: page('./src/embed/lectern.ts'),
};

/** The embed script and its stylesheet keep fixed names at the root of dist/ so sites can link them. */
const embedEntryNames = {
  entryFileNames: (chunk: { name: string }) => (chunk.name === 'lectern' ? 'lectern.js' : 'assets/[name]-[hash].js'),
  assetFileNames: (asset: { names: string[] }) => (asset.names.includes('lectern.css') ? 'lectern.css' : 'assets/[name]-[hash][extname]'),
};

/**
 * Origins besides the site's own whose lessons `embed.html?src=` and `<lectern-lesson src>` may run
 * (their cells run as this site): LECTERN_LESSON_ORIGINS="https://course.example.org" at build time.
 */
const lessonOrigins = parseOrigins(process.env.LECTERN_LESSON_ORIGINS);

export default defineConfig({
  plugins: [lessonFiles(fileURLToPath(new URL('.', import.meta.url))), minifyChunks()],
  // Separate pages, no single-page fallback: a missing file is a 404, not index.html.
  appType: 'mpa',
  define: { __LECTERN_LESSON_ORIGINS__: JSON.stringify(lessonOrigins) },
  // Relative asset URLs: the static build can be served from any directory of any static host.
  base: './',
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: {
    // Vite's minifier breaks tfjs-backend-wasm's threaded worker ("ReferenceError: e is not
    // defined", see the tfjs-backend-wasm README): minifyChunks minifies every chunk but that one.
    minify: false,
    cssMinify: true,
    rolldownOptions: {
      input: pages,
      output: {
        ...embedEntryNames,
        // The threaded factory alone in its chunk, the one minifyChunks leaves unmangled.
        codeSplitting: { groups: [{ name: 'tfjs-backend-wasm-threaded', test: THREADED_WASM_FACTORY }] },
      },
      // The import bridge (src/host/vite-imports.ts) lets cells import any project module, so every
      // module is also dynamically imported; that they stay in their static chunks is intended.
      checks: { ineffectiveDynamicImport: false },
    },
  },
});
