/**
 * The baseline of bench/sse-fanout.ts: a bare Node `http` SSE server. GET /stream holds a client
 * (welcome comment and `hello`, as Taskwire sends); POST /publish writes the request body, a complete
 * SSE message, to every client as it is and answers once it is written. Same heartbeat as Taskwire.
 */
import http from 'node:http';

const clients = new Set<http.ServerResponse>();
const HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

function broadcast(message: Buffer | string): void {
  for (const res of clients) res.write(message);
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stream') {
    res.writeHead(200, HEADERS);
    res.write(': welcome\n\n');
    res.write(
      `event: hello\ndata: ${JSON.stringify({ serverTime: new Date().toISOString(), connection: 'bare' })}\n\n`,
    );
    clients.add(res);
    res.on('close', () => clients.delete(res));
  } else if (req.method === 'POST' && req.url === '/publish') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      broadcast(Buffer.concat(chunks));
      res.writeHead(204).end();
    });
  } else if (req.url === '/ready') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
  } else res.writeHead(404).end();
});

setInterval(() => broadcast(': heartbeat\n\n'), 15_000).unref();
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  for (const res of clients) res.destroy();
  server.close(() => process.exit(0));
});
