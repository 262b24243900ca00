import { toBinaryHttp } from '../../events/http-binding';
import type { Deliver } from '../../ports/bus';

type Fetch = (request: Request) => Response | Promise<Response>;

/**
 * Delivers an event the way a Knative Trigger does: a binary-mode CloudEvent POSTed to the
 * subscriber, whose status code decides between ack, retry and dead letter.
 */
export function httpDeliver(fetch: Fetch, url = 'http://function.local/'): Deliver {
  return async (event) => {
    const { headers, body } = toBinaryHttp(event);
    const res = await fetch(new Request(url, { method: 'POST', headers, body }));
    const detail = res.status >= 300 ? (await res.text()).slice(0, 1000) : undefined;
    if (res.status < 300) await res.body?.cancel();
    return detail === undefined ? { status: res.status } : { status: res.status, detail };
  };
}
