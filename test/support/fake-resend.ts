import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ResendCall {
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  body: { from: string; to: string[]; subject: string; text: string; html: string };
}

/**
 * A local server speaking Resend's documented `POST /emails` (Bearer key, optional
 * Idempotency-Key, JSON body; 200 `{ id }`). Like Resend, a repeated key returns the first
 * answer instead of sending again. `failNext` answers 500s first.
 */
export async function startFakeResend(apiKey: string) {
  const calls: ResendCall[] = [];
  /** The calls that sent an email (answered with a new id). */
  const delivered: ResendCall[] = [];
  const sentByKey = new Map<string, string>();
  let failNext = 0;
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (c) => {
        data += c;
      });
      req.on('end', () => resolve(data));
    });
  const server = createServer(async (req, res) => {
    const body = await read(req);
    const reply = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    if (req.method !== 'POST' || req.url !== '/emails')
      return reply(404, { name: 'not_found', message: 'no such endpoint' });
    if (req.headers.authorization !== `Bearer ${apiKey}`)
      return reply(401, { name: 'missing_api_key', message: 'bad key' });
    const call: ResendCall = {
      authorization: req.headers.authorization,
      idempotencyKey: req.headers['idempotency-key'] as string | undefined,
      body: JSON.parse(body),
    };
    calls.push(call);
    if (failNext > 0) {
      failNext--;
      return reply(500, { name: 'internal_server_error', message: 'try again' });
    }
    const key = call.idempotencyKey;
    if (key && sentByKey.has(key)) return reply(200, { id: sentByKey.get(key) });
    const id = crypto.randomUUID();
    if (key) sentByKey.set(key, id);
    delivered.push(call);
    return reply(200, { id });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    delivered,
    /** Distinct emails actually sent (a repeated idempotency key counts once). */
    sent: () => sentByKey.size,
    failTimes: (n: number) => {
      failNext = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
