/** Names shared by the runtime and the generators of dapr/ and helm/: they must agree. */

/** The cron input binding of a tick function; Dapr POSTs to `/<name>` on schedule. */
export function cronBindingName(functionId: string): string {
  return `${functionId}-tick`;
}

/** A five-field cron (PingSource) as the six-field schedule of Dapr's cron binding (seconds first). */
export function daprCronSchedule(cron: string): string {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`expected a five-field cron expression, got "${cron}"`);
  return `0 ${fields.join(' ')}`;
}
