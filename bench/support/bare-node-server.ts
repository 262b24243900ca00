/**
 * The ceiling: a bare node:http server that parses a JSON POST and answers 201 with JSON. With
 * HTTP_ACCEPTORS > 1 it listens on that many handles, as Taskwire's servers do (runtime/acceptors.ts).
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { addAcceptors } from '../../runtime/acceptors';

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/ready') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    res
      .writeHead(201, { 'content-type': 'application/json' })
      .end(JSON.stringify({ id: randomUUID(), ...body }));
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  addAcceptors(server, Number(process.env.HTTP_ACCEPTORS ?? 1), (err) => console.error(err.message));
});
