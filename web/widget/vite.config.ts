import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The chat widget: one self-contained script (an IIFE, no imports) that other websites load from
// /chat/widget.js. Built after the web app, beside it in web/dist (web/scripts/ensure-built.ts).
export default defineConfig({
  build: {
    outDir: fileURLToPath(new URL('../dist/widget', import.meta.url)),
    emptyOutDir: true,
    minify: true,
    lib: { entry: fileURLToPath(new URL('chat.ts', import.meta.url)), formats: ['iife'], name: 'RapportChat', fileName: () => 'chat.js' },
  },
});
