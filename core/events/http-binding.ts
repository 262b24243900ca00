import { CloudEvent, HTTP } from 'cloudevents';
import { ValidationError } from '../errors';
import { type TaskwireEvent, typedAttributes } from './define-event';

/** Headers and body of a binary-mode CloudEvent (ce-* headers, data as the body). */
export function toBinaryHttp(event: TaskwireEvent): { headers: Record<string, string>; body: string } {
  const message = HTTP.binary(new CloudEvent(event as unknown as Record<string, unknown>, false));
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.headers)) if (v !== undefined) headers[k] = String(v);
  return { headers, body: typeof message.body === 'string' ? message.body : JSON.stringify(message.body) };
}

/** Structured mode: the whole event as one JSON document. */
export function toStructuredHttp(event: TaskwireEvent): { headers: Record<string, string>; body: string } {
  return {
    headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
    body: JSON.stringify(event),
  };
}

/**
 * Reads a CloudEvent from an HTTP request in binary or structured mode. Returns plain attributes;
 * the caller validates them against the catalog.
 */
export function fromHttp(headers: Record<string, string>, body: string): Record<string, unknown> {
  let event: CloudEvent<unknown>;
  try {
    event = HTTP.toEvent({ headers, body }) as CloudEvent<unknown>;
  } catch (err) {
    throw new ValidationError(`not a CloudEvent: ${(err as Error).message}`, [
      { field: 'ce-specversion', message: 'required' },
    ]);
  }
  const attrs = typedAttributes({ ...(event as unknown as Record<string, unknown>) });
  if (typeof attrs.data === 'string' && String(attrs.datacontenttype ?? '').includes('json')) {
    try {
      attrs.data = JSON.parse(attrs.data);
    } catch {
      throw new ValidationError('event data is not valid JSON', [
        { field: 'data', message: 'malformed JSON' },
      ]);
    }
  }
  return attrs;
}
