/**
 * OpenTelemetry tracing: one trace per user action, across processes and over Kafka.
 *
 * - HTTP: a SERVER span per request, continuing an incoming `traceparent` (W3C Trace Context).
 * - Events: a PRODUCER span when an event is created; its context is written into the CloudEvent's
 *   `traceparent`/`tracestate` attributes (the CloudEvents distributed-tracing extension), which
 *   travel as `ce_traceparent`/`ce_tracestate` Kafka headers.
 * - Deliveries: a CONSUMER span per delivered event, child of the event's `traceparent`.
 *
 * The SDK (`@opentelemetry/sdk-node`) is loaded on demand by `startTracing`, so a process that does
 * not trace never parses it. Spans are exported over OTLP when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or `OTEL_TRACES_EXPORTER`) is set; otherwise they are made and
 * dropped, so trace ids still propagate and appear in the logs. `OTEL_SDK_DISABLED=true` turns it all
 * off: then an incoming `traceparent` is passed on as it came.
 *
 * Everything except `startTracing` uses `@opentelemetry/api` only.
 */
import {
  type Context,
  context,
  createTraceState,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  trace,
} from '@opentelemetry/api';

const TRACER_NAME = 'taskwire';
const TRACEPARENT_RE = /^([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/;

let enabled = false;

/** True once `startTracing` registered the SDK in this process. */
export function tracingEnabled(): boolean {
  return enabled;
}

function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/** The W3C `traceparent` of a span context. */
export function formatTraceparent(sc: SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** A remote span context from W3C `traceparent` (and `tracestate`); undefined when malformed. */
export function parseTraceparent(
  traceparent: string | undefined,
  tracestate?: string,
): SpanContext | undefined {
  const m = traceparent ? TRACEPARENT_RE.exec(traceparent.trim()) : null;
  if (!m || m[1] === 'ff') return undefined;
  const sc: SpanContext = {
    traceId: m[2]!,
    spanId: m[3]!,
    traceFlags: Number.parseInt(m[4]!, 16),
    isRemote: true,
  };
  if (!isSpanContextValid(sc)) return undefined;
  if (tracestate) sc.traceState = createTraceState(tracestate);
  return sc;
}

/** The trace id inside a `traceparent` (for log lines when no span is active). */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return parseTraceparent(traceparent)?.traceId;
}

export interface TraceHeaders {
  traceparent: string;
  tracestate?: string;
}

function headersOf(sc: SpanContext): TraceHeaders {
  const out: TraceHeaders = { traceparent: formatTraceparent(sc) };
  const state = sc.traceState?.serialize();
  if (state) out.tracestate = state;
  return out;
}

/** The active span's context as `traceparent`/`tracestate`, when a span is active. */
export function activeTraceHeaders(): TraceHeaders | undefined {
  const sc = trace.getActiveSpan()?.spanContext();
  return sc && isSpanContextValid(sc) ? headersOf(sc) : undefined;
}

/** Trace and span id of the active span, for log lines. */
export function activeSpanIds(): { traceId: string; spanId: string } | undefined {
  const sc = trace.getActiveSpan()?.spanContext();
  return sc && isSpanContextValid(sc) ? { traceId: sc.traceId, spanId: sc.spanId } : undefined;
}

function remoteContext(traceparent: string | undefined, tracestate: string | undefined): Context {
  const sc = parseTraceparent(traceparent, tracestate);
  return sc ? trace.setSpanContext(ROOT_CONTEXT, sc) : ROOT_CONTEXT;
}

function fail(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

const headersGetter: TextMapGetter<Headers> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key) ?? undefined,
};

export interface ServerSpanResult {
  status: number;
  /** The route pattern that answered, e.g. `/api/tasks/:id`. */
  route?: string | undefined;
}

/**
 * Runs `handle` in a SERVER span that continues the request's trace context (the global propagator:
 * W3C Trace Context unless OTEL_PROPAGATORS says otherwise). Without tracing it just runs `handle`.
 */
export async function inServerSpan(
  req: { method: string; url: string; headers: Headers },
  handle: () => Promise<void>,
  outcome: () => ServerSpanResult,
): Promise<void> {
  if (!enabled) return handle();
  const parent = propagation.extract(ROOT_CONTEXT, req.headers, headersGetter);
  const url = new URL(req.url);
  const span = tracer().startSpan(
    req.method,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': req.method,
        'url.path': url.pathname,
        'url.scheme': url.protocol.replace(':', ''),
        'server.address': url.hostname,
      },
    },
    parent,
  );
  try {
    await context.with(trace.setSpan(parent, span), handle);
    const { status, route } = outcome();
    span.setAttribute('http.response.status_code', status);
    if (route) {
      span.setAttribute('http.route', route);
      span.updateName(`${req.method} ${route}`);
    }
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  } catch (err) {
    fail(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/**
 * Runs `call` in a CLIENT span and hands it the headers that carry its context (a proxy forwarding a
 * request). Without tracing the headers are empty.
 */
export async function inClientSpan<T>(
  name: string,
  attributes: Record<string, string | number>,
  call: (headers: Record<string, string>) => Promise<T>,
  statusOf: (result: T) => number,
): Promise<T> {
  if (!enabled) return call({});
  const span = tracer().startSpan(name, { kind: SpanKind.CLIENT, attributes });
  const ctx = trace.setSpan(context.active(), span);
  const headers: Record<string, string> = {};
  propagation.inject(ctx, headers);
  try {
    const result = await context.with(ctx, () => call(headers));
    const status = statusOf(result);
    span.setAttribute('http.response.status_code', status);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    return result;
  } catch (err) {
    fail(span, err);
    throw err;
  } finally {
    span.end();
  }
}

export interface MessageInfo {
  /** Taskwire topic name (`task-events`, ...). */
  topic: string;
  id: string;
  type: string;
  subject: string;
  /** `kafka`, `memory`, `knative`, `dapr`: `messaging.system`. */
  system?: string | undefined;
}

function messageAttributes(m: MessageInfo, operation: 'create' | 'process'): Record<string, string> {
  return {
    'messaging.system': m.system ?? 'taskwire',
    'messaging.operation.type': operation,
    'messaging.operation.name': operation,
    'messaging.destination.name': m.topic,
    'messaging.message.id': m.id,
    'cloudevents.event_id': m.id,
    'cloudevents.event_type': m.type,
    'cloudevents.event_subject': m.subject,
  };
}

/**
 * The trace context to write into a new event: a PRODUCER span (`create <topic>`) under the active
 * span (or under `fallback`, the trace the event's metadata names), ended at once. Without tracing,
 * `fallback` as it is.
 */
export function producerTraceContext(
  message: MessageInfo,
  fallback: { traceparent?: string | undefined; tracestate?: string | undefined },
): { traceparent?: string | undefined; tracestate?: string | undefined } {
  if (!enabled) return fallback;
  const active = trace.getActiveSpan()?.spanContext();
  const parent =
    active && isSpanContextValid(active)
      ? context.active()
      : remoteContext(fallback.traceparent, fallback.tracestate);
  const span = tracer().startSpan(
    `create ${message.topic}`,
    { kind: SpanKind.PRODUCER, attributes: messageAttributes(message, 'create') },
    parent,
  );
  const sc = span.spanContext();
  span.end();
  return isSpanContextValid(sc) ? headersOf(sc) : fallback;
}

/**
 * Runs a consumer's handling of one event in a CONSUMER span (`process <topic>`) whose parent is the
 * event's `traceparent`. `fn` gets the span to add the outcome to.
 */
export async function inConsumerSpan<T>(
  event: { traceparent?: string | undefined; tracestate?: string | undefined } & MessageInfo,
  consumer: string,
  fn: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!enabled) return fn(undefined);
  const parent = remoteContext(event.traceparent, event.tracestate);
  const span = tracer().startSpan(
    `process ${event.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: { ...messageAttributes(event, 'process'), 'messaging.consumer.group.name': consumer },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    fail(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/** Consumer spans for events handled together (a batch): started now, ended by the returned function. */
export function startConsumerSpans(
  events: readonly ({ traceparent?: string | undefined; tracestate?: string | undefined } & MessageInfo)[],
  consumer: string,
): { contexts: (Context | undefined)[]; end: (err?: unknown, outcomes?: readonly string[]) => void } {
  if (!enabled) return { contexts: events.map(() => undefined), end: () => {} };
  const spans = events.map((event) => {
    const parent = remoteContext(event.traceparent, event.tracestate);
    const span = tracer().startSpan(
      `process ${event.topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          ...messageAttributes(event, 'process'),
          'messaging.consumer.group.name': consumer,
          'messaging.batch.message_count': events.length,
        },
      },
      parent,
    );
    return { span, ctx: trace.setSpan(parent, span) };
  });
  return {
    contexts: spans.map((s) => s.ctx),
    end: (err, outcomes) => {
      spans.forEach(({ span }, i) => {
        if (err) fail(span, err);
        const outcome = outcomes?.[i];
        if (outcome) span.setAttribute('taskwire.event.outcome', outcome);
        span.end();
      });
    },
  };
}

/** Runs `fn` in `ctx` (a context from `startConsumerSpans`), or as it is without one. */
export function runInContext<T>(ctx: Context | undefined, fn: () => T): T {
  return ctx ? context.with(ctx, fn) : fn();
}

export interface Tracing {
  /** The SDK is registered: spans are made and propagated. */
  enabled: boolean;
  /** Spans leave the process (OTLP, or what OTEL_TRACES_EXPORTER names). */
  exporting: boolean;
  /** Flushes what is queued and stops the SDK. */
  shutdown(): Promise<void>;
}

const DISABLED: Tracing = { enabled: false, exporting: false, shutdown: async () => {} };

function truthy(v: string | undefined): boolean {
  return v !== undefined && ['true', '1', 'yes'].includes(v.trim().toLowerCase());
}

/**
 * Starts the OpenTelemetry SDK for this process (`serviceName` unless OTEL_SERVICE_NAME is set):
 * W3C Trace Context propagation, AsyncLocalStorage context, and an exporter only when one is
 * configured (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_TRACES_EXPORTER;
 * OTLP over HTTP with protobuf unless OTEL_EXPORTER_OTLP_PROTOCOL says `http/json` or `grpc`).
 * Metrics and logs stay with Prometheus and stdout: no OTLP metrics or logs unless
 * OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER ask for them.
 *
 * With no exporter configured the SDK is not loaded at all (unless `always` is set): measured, it
 * costs ~75 ms of cold start per function and 15-20 % of multi-process throughput for spans nobody
 * sees. Context still propagates: an incoming `traceparent` is passed on into events as it came.
 */
export async function startTracing(
  serviceName: string,
  source: Readonly<Record<string, string | undefined>>,
  opts: { always?: boolean } = {},
): Promise<Tracing> {
  if (truthy(source.OTEL_SDK_DISABLED)) return DISABLED;
  if (enabled) throw new Error('tracing is already started in this process');
  const tracesExporter = source.OTEL_TRACES_EXPORTER?.trim();
  const exporting =
    tracesExporter !== 'none' &&
    Boolean(
      source.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() ||
        source.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() ||
        tracesExporter,
    );
  if (!exporting && !opts.always) return DISABLED;
  // A CommonJS package: bundlers may hand its exports over as `default` only.
  const sdkModule: typeof import('@opentelemetry/sdk-node') & {
    default?: typeof import('@opentelemetry/sdk-node');
  } = await import('@opentelemetry/sdk-node');
  const NodeSDK = sdkModule.NodeSDK ?? sdkModule.default?.NodeSDK;
  if (!NodeSDK) throw new Error('@opentelemetry/sdk-node has no NodeSDK export');
  const noExport = {
    onStart() {},
    onEnd() {},
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const sdk = new NodeSDK({
    serviceName: source.OTEL_SERVICE_NAME?.trim() || serviceName,
    // Without an exporter a no-op processor still registers the provider: real ids, real propagation.
    ...(exporting ? {} : { spanProcessors: [noExport] }),
    ...(source.OTEL_METRICS_EXPORTER ? {} : { metricReaders: [] }),
    ...(source.OTEL_LOGS_EXPORTER ? {} : { logRecordProcessors: [] }),
  });
  sdk.start();
  enabled = true;
  return {
    enabled: true,
    exporting,
    shutdown: async () => {
      enabled = false;
      await sdk.shutdown().catch(() => {});
    },
  };
}
