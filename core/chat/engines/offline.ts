import { parseUtterance } from '../../nlu';
import { act, type Engine } from '../agent';

/** The default engine: the deterministic parser, no network, no key. */
export const offlineEngine: Engine = {
  name: 'offline',
  async handle(message, _conversation, ctx) {
    const decision = parseUtterance(message, { now: ctx.now, timeZone: ctx.timeZone });
    return act(decision, ctx);
  },
};
