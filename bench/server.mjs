// The benchmark's HTTP server: serves the repository and takes the page's reports.
import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { join, extname } from 'node:path';
import { ROOT, freePort } from '../tests/browser/harness.mjs';

const TYPES = { '.html': 'text/html', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/** Serves the repository and takes the page's reports. */
export async function startBenchServer(onReport) {
  const port = await freePort();
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (req.method === 'POST' && path.startsWith('/bench-report/')) {
      let body = '';
      req.on('data', (d) => { body += d; });
      // The answer waits for what the report asks for (a `publish` answers once published).
      req.on('end', () => {
        Promise.resolve(onReport(path.slice('/bench-report/'.length), JSON.parse(body)))
          .then(() => { res.writeHead(204); res.end(); }, (e) => { res.writeHead(500); res.end(`${e}`); });
      });
      return;
    }
    const file = join(ROOT, decodeURIComponent(path));
    if (!file.startsWith(ROOT) || !existsSync(file)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  return { origin: `http://127.0.0.1:${port}`, stop: () => server.close() };
}

