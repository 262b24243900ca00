import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

interface ContentBlock {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: unknown;
  is_error?: boolean;
}
interface MessageParam {
  role: 'user' | 'assistant';
  content: string | ContentBlock[];
}
export interface MessagesRequest {
  model: string;
  max_tokens: number;
  system?: string | { type: string; text: string }[];
  tools?: { name: string; description?: string; input_schema: Record<string, unknown> }[];
  messages: MessageParam[];
}

/** What the scripted model does with a request: call tools, or answer in text. */
export type Script = (req: MessagesRequest) => { tools?: { name: string; input: unknown }[]; text?: string };

/**
 * A local server speaking the Messages API (`POST /v1/messages`) as the real SDK calls it, with a
 * scripted model behind it: lets the real @anthropic-ai/sdk client and our tool loop run.
 */
export async function startFakeAnthropic(
  script: Script,
  opts: { apiKey: string; failWith?: () => number | undefined },
) {
  const requests: { headers: IncomingHttpHeaders; body: MessagesRequest }[] = [];
  let n = 0;
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${++n}` });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) {
        return send(404, { type: 'error', error: { type: 'not_found_error', message: 'Not found' } });
      }
      // The API takes the key as x-api-key; this SDK version sends it as a bearer token.
      const key = req.headers['x-api-key'] ?? req.headers.authorization?.replace(/^Bearer /, '');
      if (key !== opts.apiKey) {
        return send(401, {
          type: 'error',
          error: { type: 'authentication_error', message: 'invalid x-api-key' },
        });
      }
      const body = JSON.parse(raw) as MessagesRequest;
      requests.push({ headers: req.headers, body });
      const failure = opts.failWith?.();
      if (failure)
        return send(failure, {
          type: 'error',
          error: { type: 'api_error', message: 'Internal server error' },
        });
      const out = script(body);
      const content: ContentBlock[] = [];
      if (out.text) content.push({ type: 'text', text: out.text });
      for (const t of out.tools ?? [])
        content.push({ type: 'tool_use', id: `toolu_${++n}`, name: t.name, input: t.input });
      send(200, {
        id: `msg_${n}`,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content,
        stop_reason: out.tools?.length ? 'tool_use' : 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 10 },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The latest user text, and any tool results that came back in the latest user turn. */
export function lastTurn(req: MessagesRequest): { text: string; toolResults: ContentBlock[] } {
  const last = req.messages.at(-1)!;
  if (typeof last.content === 'string') return { text: last.content, toolResults: [] };
  return {
    text: last.content
      .filter((b) => b.type === 'text')
      .map((b) => b.text)
      .join(' '),
    toolResults: last.content.filter((b) => b.type === 'tool_result'),
  };
}
