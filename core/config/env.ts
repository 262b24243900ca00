import { createECDH } from 'node:crypto';
import { z } from 'zod';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Seconds between retries, e.g. `60,300,900`; the delivery fails after the last one. */
const retryDelays = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const delays = v.split(',').map((x) => Number(x.trim()));
      if (delays.some((d) => !Number.isFinite(d) || d < 0)) {
        ctx.addIssue({ code: 'custom', message: 'comma-separated seconds, e.g. 60,300,900' });
        return z.NEVER;
      }
      return delays;
    });

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** A process environment: variable name → value. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The process's environment. This module is the only code that reads `process.env`: everything
 * else gets its settings parsed from here, or (a child process's environment, the OpenTelemetry
 * variables) this object handed over.
 */
export function processEnvironment(): Environment {
  return process.env;
}

/**
 * Every setting a function process (and the embedded runtime) reads from the environment. Parsed
 * once at start-up.
 */
export const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    /**
     * `supervisor`: listen on the socket the multi-process supervisor bound for this process and hands
     * over its IPC channel (HOST and PORT then only describe it). Unset: bind HOST:PORT.
     */
    LISTEN_SOCKET: z.enum(['supervisor']).optional(),
    /**
     * Listening handles of the public HTTP server (the embedded host, the gateway): each accepts one new
     * connection per event-loop turn, so under load a burst of connections gets in this many times
     * faster (runtime/acceptors.ts). 1 turns it off.
     */
    HTTP_ACCEPTORS: z.coerce.number().int().min(1).max(1024).default(64),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: optionalString,
    /**
     * Connections of this process's PostgreSQL pool. Unset: 10 for a function process, 20 for the
     * embedded host. In a cluster every instance holds its own pool, so the chart sets a small one
     * (the connection budget is in DEPLOY.md).
     */
    DATABASE_POOL_MAX: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.coerce.number().int().min(1).max(1000).optional(),
    ),
    AUTH_TOKEN: optionalString,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    PUBLIC_URL: optionalString,
    /** Upper bound of a request body in bytes. */
    MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_048_576),
    /** Multiplies every retry delay; tests shrink it to keep runs short. */
    RETRY_DELAY_SCALE: z.coerce.number().positive().default(1),
    OUTBOX_POLL_MS: z.coerce.number().int().positive().default(1000),
    TRASH_RETENTION_DAYS: z.coerce.number().int().positive().default(30),
    SERVE_WEB: boolish.default(true),
    /** SMTP server for reminder emails, e.g. smtp://user:pass@smtp.example.org:587 (smtps:// for TLS). */
    SMTP_URL: optionalString,
    /** Resend API key; used when set (and SMTP_URL is not). */
    RESEND_API_KEY: optionalString,
    /** Resend API base URL (tests point it at a local server speaking Resend's API). */
    RESEND_BASE_URL: optionalString,
    MAIL_FROM: z.string().min(3).default('Taskwire <reminders@taskwire.localhost>'),
    /** Seconds before each email retry; the reminder fails after the last one. */
    EMAIL_RETRY_DELAYS: retryDelays('60,300,900'),
    /**
     * Web Push (RFC 8292) application server keys: the public key as the browser's
     * `applicationServerKey` (base64url, an uncompressed P-256 point) and the private key (base64url,
     * 32 bytes). Unset: a pair is made once and kept in the database.
     */
    VAPID_PUBLIC_KEY: optionalString,
    VAPID_PRIVATE_KEY: optionalString,
    /** Who runs this server, for push services (`mailto:` or `https:`); some (Apple's) require a real one. */
    VAPID_SUBJECT: optionalString,
    /** Seconds before each retry of a push the push service did not take; the push fails after the last one. */
    PUSH_RETRY_DELAYS: retryDelays('60,300,900'),
    /**
     * How events travel between processes: \`memory\` (one process: \`npm start\`), \`kafka\`
     * (KAFKA_BROKERS), \`knative\` (publish to K_SINK, receive Trigger deliveries), \`dapr\` (sidecar pub/sub).
     */
    BUS: z.enum(['memory', 'kafka', 'knative', 'dapr']).default('memory'),
    KAFKA_BROKERS: optionalString,
    KAFKA_CLIENT_ID: z.string().default('taskwire'),
    /** Prepended to every topic name: several Taskwire installations (or test runs) share one cluster. */
    KAFKA_TOPIC_PREFIX: z.string().default(''),
    /** Prepended to every consumer group id. */
    KAFKA_GROUP_PREFIX: z.string().default('taskwire.'),
    /** TLS to the brokers (a managed Kafka, Redpanda Cloud): \`true\`, or implied by KAFKA_SSL_CA_FILE. */
    KAFKA_SSL: boolish.default(false),
    /** PEM file of the CA that signed the brokers' certificates, when it is not a public one. */
    KAFKA_SSL_CA_FILE: optionalString,
    /** SASL mechanism: \`plain\`, \`scram-sha-256\` or \`scram-sha-512\` (with KAFKA_SASL_USERNAME/PASSWORD). */
    KAFKA_SASL_MECHANISM: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
    ),
    KAFKA_SASL_USERNAME: optionalString,
    KAFKA_SASL_PASSWORD: optionalString,
    /** Create missing topics at start-up (needs the CreateTopics permission); off for a locked-down cluster. */
    KAFKA_CREATE_TOPICS: boolish.default(true),
    /** Partitions of the topics Taskwire creates. */
    KAFKA_PARTITIONS: z.coerce.number().int().positive().default(3),
    /** Replication factor of the topics Taskwire creates; -1 = the broker's default. */
    KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(-1).default(-1),
    /** A consumer that stops heartbeating loses its partitions after this long (a crashed process). */
    KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).default(30_000),
    /**
     * How long the broker may hold a consumer's fetch when there is nothing to read (it answers as
     * soon as a record arrives). Default 5 s, at most a quarter of the session timeout.
     */
    KAFKA_FETCH_MAX_WAIT_MS: z.coerce.number().int().min(10).max(30_000).optional(),
    /**
     * Under load, how long the broker may gather records for a consumer whose last fetch brought some
     * (64 KiB answer sooner): fewer, fuller fetches, each event at most this much later. An idle
     * consumer long-polls as above, so a quiet topic's event still arrives at once. 0 turns it off.
     */
    KAFKA_FETCH_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(50),
    /** The Knative broker's address, injected by a SinkBinding. */
    K_SINK: optionalString,
    /** \`timer\`: this process runs its tick on a timer; \`external\`: a cron (PingSource, Dapr binding) calls POST /tick. */
    TICKS: z.enum(['timer', 'external']).default('timer'),
    /** Which function a standalone process serves (FUNCTION=create-task). */
    FUNCTION: optionalString,
    /** With a key, chat uses Claude (tool use); without, the offline parser. */
    ANTHROPIC_API_KEY: optionalString,
    /** Messages API base URL (tests point it at a local server speaking the API). */
    ANTHROPIC_BASE_URL: optionalString,
    ANTHROPIC_MODEL: z.string().min(1).default('claude-sonnet-5-5'),
    /** Below this confidence the assistant asks before it acts. */
    CHAT_CONFIRM_BELOW: z.coerce.number().min(0).max(1).default(0.6),
    STREAM_HEARTBEAT_MS: z.coerce.number().int().positive().default(15_000),
    /** A live-update client this many bytes behind (it stopped reading) is dropped. */
    STREAM_MAX_BUFFERED_BYTES: z.coerce.number().int().positive().default(1_048_576),

    /** Changes arriving within this window reach clients as one message. */
    STREAM_COALESCE_MS: z.coerce.number().int().nonnegative().default(25),
    /** Safety-net sweep for due reminders and pending emails (the timer is the fast path). */

    REMINDER_SWEEP_MS: z.coerce.number().int().positive().default(30_000),
    /** A Dapr sidecar runs beside this process: /ready checks it (BUS=dapr implies it). */
    DAPR_ENABLED: boolish.default(false),
    /** The sidecar's HTTP port (Dapr injects it into the app's container). */
    DAPR_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(3500),
    /** The sidecar's HTTP address when it is not on localhost, e.g. http://127.0.0.1:3500. */
    DAPR_HTTP_ENDPOINT: optionalString,
    /** Token the sidecar requires from the app (`dapr-api-token`), if it was configured with one. */
    DAPR_API_TOKEN: optionalString,
    /** Token the sidecar sends to the app; when set, the /dapr routes refuse calls without it. */
    APP_API_TOKEN: optionalString,
    /** The pub/sub component of BUS=dapr (consumer group = app id). */
    DAPR_PUBSUB_NAME: z.string().min(1).default('taskwire-pubsub'),
    /** The pub/sub component for broadcast subscriptions (one consumer group per instance). */
    DAPR_BROADCAST_PUBSUB_NAME: z.string().min(1).default('taskwire-broadcast'),
    /** Prepended to every topic published and subscribed through Dapr (test runs share one broker). */
    DAPR_TOPIC_PREFIX: z.string().default(''),
    /** The state store component (conversation state, caches). */
    DAPR_STATE_STORE: z.string().min(1).default('taskwire-state'),
    /** When set, secrets listed in DAPR_SECRETS are read from this secret store at start-up. */
    DAPR_SECRET_STORE: optionalString,
    /** Env vars filled from the secret store: `DATABASE_URL=taskwire-database/url,AUTH_TOKEN=taskwire-auth/token`. */
    DAPR_SECRETS: optionalString,
    /** `programmatic`: GET /dapr/subscribe lists the subscriptions; `declarative`: Subscription resources do. */
    DAPR_SUBSCRIPTIONS: z.enum(['programmatic', 'declarative']).default('programmatic'),
  })
  .transform((env) => ({
    ...env,
    isLoopback: LOOPBACK.has(env.HOST),
    publicUrl: (
      env.PUBLIC_URL ?? `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${env.PORT}`
    ).replace(/\/+$/, ''),
  }))
  .superRefine((env, ctx) => {
    if (env.BUS === 'kafka' && !env.KAFKA_BROKERS) {
      ctx.addIssue({
        code: 'custom',
        path: ['KAFKA_BROKERS'],
        message: 'BUS=kafka needs KAFKA_BROKERS, e.g. 127.0.0.1:9092',
      });
    }
    if (env.KAFKA_SASL_MECHANISM && (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: ['KAFKA_SASL_USERNAME'],
        message: `KAFKA_SASL_MECHANISM=${env.KAFKA_SASL_MECHANISM} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`,
      });
    }
    if (env.BUS === 'knative' && !env.K_SINK) {
      ctx.addIssue({
        code: 'custom',
        path: ['K_SINK'],
        message: 'BUS=knative needs K_SINK (injected by a SinkBinding)',
      });
    }
    const vapid = vapidProblem(env.VAPID_PUBLIC_KEY, env.VAPID_PRIVATE_KEY);
    if (vapid) ctx.addIssue({ code: 'custom', path: [vapid.field], message: vapid.message });
    if (env.VAPID_SUBJECT && !/^(mailto:|https:\/\/)\S+$/.test(env.VAPID_SUBJECT)) {
      ctx.addIssue({
        code: 'custom',
        path: ['VAPID_SUBJECT'],
        message: 'a mailto: or https: URL, e.g. mailto:admin@example.org',
      });
    }
    if (!env.isLoopback && !env.AUTH_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_TOKEN'],
        message: `HOST=${env.HOST} is reachable beyond this machine; set AUTH_TOKEN so /api requests need a token`,
      });
    }
  });

export type Env = z.output<typeof EnvSchema>;

/** Why the configured VAPID pair is unusable (both or neither, the right sizes, a matching pair), or null. */
function vapidProblem(publicKey?: string, privateKey?: string): { field: string; message: string } | null {
  if (!publicKey && !privateKey) return null;
  if (!publicKey || !privateKey) {
    return {
      field: publicKey ? 'VAPID_PRIVATE_KEY' : 'VAPID_PUBLIC_KEY',
      message: 'set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY together (or neither: a pair is made and kept)',
    };
  }
  const pub = Buffer.from(publicKey, 'base64url');
  if (pub.length !== 65 || pub[0] !== 4) {
    return { field: 'VAPID_PUBLIC_KEY', message: 'base64url of an uncompressed P-256 point (65 bytes)' };
  }
  const priv = Buffer.from(privateKey, 'base64url');
  if (priv.length !== 32) return { field: 'VAPID_PRIVATE_KEY', message: 'base64url of 32 bytes' };
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(priv);
    if (!ecdh.getPublicKey().equals(pub)) {
      return { field: 'VAPID_PUBLIC_KEY', message: 'is not the public key of VAPID_PRIVATE_KEY' };
    }
  } catch {
    return { field: 'VAPID_PRIVATE_KEY', message: 'is not a P-256 private key' };
  }
  return null;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once, failing with one readable line per problem. */
export function parseEnv(source: Environment = processEnvironment()): Env {
  return parseWith(EnvSchema, source);
}

function parseWith<T extends z.ZodType>(schema: T, source: Environment): z.output<T> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

/** The gateway's settings: where each function's service is, where it listens, the web app. */
export const GatewayEnvSchema = z.object({
  GATEWAY_UPSTREAM: z
    .string()
    .regex(/\{id\}/, 'must contain {id}, e.g. http://{id}.taskwire.svc.cluster.local')
    .default('http://{id}.taskwire.svc.cluster.local'),
  /**
   * Addresses of single functions, overriding GATEWAY_UPSTREAM for them:
   * `create-task=http://127.0.0.1:4001,task-stream=http://127.0.0.1:4002|http://127.0.0.1:4003`
   * (`|` separates replicas, which take requests in turn).
   */
  GATEWAY_UPSTREAMS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const map = new Map<string, string[]>();
      for (const entry of (v ?? '')
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean)) {
        const eq = entry.indexOf('=');
        const urls = entry
          .slice(eq + 1)
          .split('|')
          .map((u) => u.trim())
          .filter(Boolean);
        if (eq <= 0 || urls.length === 0 || urls.some((u) => !URL.canParse(u))) {
          ctx.addIssue({ code: 'custom', message: `"${entry}" is not id=url or id=url|url` });
          return z.NEVER;
        }
        map.set(entry.slice(0, eq).trim(), urls);
      }
      return map;
    }),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** \`supervisor\`: listen on the socket the multi-process supervisor hands over (see EnvSchema). */
  LISTEN_SOCKET: z.enum(['supervisor']).optional(),
  /** Listening handles of the gateway's socket (see EnvSchema). */
  HTTP_ACCEPTORS: z.coerce.number().int().min(1).max(1024).default(64),
  /** The built web app; default `web/dist` under the working directory. */
  WEB_DIR: optionalString,
});

export type GatewayEnv = z.output<typeof GatewayEnvSchema>;

export function parseGatewayEnv(source: Environment = processEnvironment()): GatewayEnv {
  return parseWith(GatewayEnvSchema, source);
}

/** The multi-process supervisor's own settings (its command-line options override them). */
export const SupervisorEnvSchema = z.object({
  /** Functions listen on BASE, BASE+1, ...; 0: each on a port the OS picks. */
  FUNCTION_BASE_PORT: z.coerce.number().int().min(0).max(65_000).default(0),
  /** `task-stream=2,audit-sink=2`: instances per function. */
  REPLICAS: optionalString,
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  /** Where the supervisor keeps a JSON picture of its processes. */
  MULTI_STATE_FILE: optionalString,
  /** Set (to anything) to keep colour out of the pretty log. */
  NO_COLOR: optionalString,
});

export type SupervisorEnv = z.output<typeof SupervisorEnvSchema>;

export function parseSupervisorEnv(source: Environment = processEnvironment()): SupervisorEnv {
  return parseWith(SupervisorEnvSchema, source);
}
