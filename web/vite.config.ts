import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The dev server forwards the API to a locally running Taskwire (`npm start`). */
const apiTarget = process.env.TASKWIRE_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  plugins: [solid()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    proxy: { '/api': { target: apiTarget, changeOrigin: false } },
  },
});
