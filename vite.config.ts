import { defineConfig } from 'vite';

// Cross-origin isolation lets the WASM backend use threads (SharedArrayBuffer).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: {
    // A minified build breaks tfjs-backend-wasm's threaded worker
    // ("ReferenceError: e is not defined", see the tfjs-backend-wasm README).
    minify: false,
  },
});
