import type { TaskwireFunction } from './define-function';
import type { Deps } from './deps';

/** A function mounted in one process: its declaration, what it may use, and what its setup made. */
export interface FunctionInstance {
  fn: TaskwireFunction;
  deps: Deps;
  /** The result of `fn.setup(deps)`, made once; every invocation gets it as `ctx.local`. */
  local: unknown;
}

/** Runs a function's setup once for a process; routes, event deliveries and ticks share the instance. */
export function instantiate(fn: TaskwireFunction, deps: Deps): FunctionInstance {
  return { fn, deps, local: fn.setup?.(deps) };
}
