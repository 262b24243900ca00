/** The ceiling: a bare node:http server that parses a JSON POST and answers 201 with JSON. */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

createServer((req, res) => {
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
}).listen(Number(process.env.PORT), '127.0.0.1');
