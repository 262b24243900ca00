import { parseUtterance } from '../../nlu';
import { act, type Engine, offlineDecision } from '../agent';

/** The default engine: the parser, no network, no key; follow-ups read against the conversation. */
export const offlineEngine: Engine = {
  name: 'offline',
  async handle(_message, _conversation, ctx) {
    const decision = offlineDecision(ctx, (m) => parseUtterance(m, { now: ctx.now, timeZone: ctx.timeZone }));
    return act(decision, ctx);
  },
};
