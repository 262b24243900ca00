import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { defineConfig, type Plugin } from 'vite';
import solid from 'vite-plugin-solid';

const root = fileURLToPath(new URL('.', import.meta.url));
const SW_ENTRY = fileURLToPath(new URL('./src/sw/service-worker.ts', import.meta.url));

/** The dev server forwards the API to a locally running Taskwire (`npm start`). */
const apiTarget = process.env.TASKWIRE_API ?? 'http://127.0.0.1:8080';

/** The service worker as one classic script (no imports, no module worker), minified. */
async function serviceWorkerSource(minify: boolean): Promise<string> {
  const out = await build({
    entryPoints: [SW_ENTRY],
    bundle: true,
    format: 'iife',
    target: 'es2022',
    minify,
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

/**
 * Emits the service worker as `sw.js` at the root of the build (its scope is its directory, so
 * the root covers the whole app), and serves it the same way from the dev server.
 */
function serviceWorker(): Plugin {
  return {
    name: 'taskwire-service-worker',
    async generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: await serviceWorkerSource(true) });
    },
    configureServer(server) {
      server.middlewares.use('/sw.js', (_req, res, next) => {
        serviceWorkerSource(false).then((code) => {
          res.setHeader('content-type', 'text/javascript; charset=utf-8');
          res.setHeader('cache-control', 'no-cache');
          res.end(code);
        }, next);
      });
    },
  };
}

export default defineConfig({
  root,
  plugins: [solid(), serviceWorker()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    proxy: { '/api': { target: apiTarget, changeOrigin: false } },
  },
});
