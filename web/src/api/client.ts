import type {
  AppNotification,
  AuditEntry,
  ChatReply,
  Conversation,
  FieldError,
  NotificationList,
  Settings,
  SettingsInput,
  Task,
  TaskInput,
  TaskPage,
  TaskPatch,
  TaskQuery,
  TimeZoneList,
} from './types';

/** The only place that knows where the API lives; the dev server proxies it, the host serves it. */
const API_BASE = '/api';
const TOKEN_KEY = 'taskwire.token';

/** A failed API call, carrying the RFC 9457 problem's detail and per-field messages. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(detail || title);
  }
}

export interface TokenStore {
  get(): string | null;
  set(token: string | null): void;
}

/** Keeps the access token (only needed when the server runs with AUTH_TOKEN) in localStorage. */
export function createTokenStore(storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined) {
  let memory: string | null = null;
  return {
    get: () => {
      try {
        return storage?.getItem(TOKEN_KEY) ?? memory;
      } catch {
        return memory;
      }
    },
    set: (token: string | null) => {
      memory = token;
      try {
        if (token) storage?.setItem(TOKEN_KEY, token);
        else storage?.removeItem(TOKEN_KEY);
      } catch {
        // storage can be unavailable (private mode); the in-memory copy still works for this tab
      }
    },
  } satisfies TokenStore;
}

export interface ApiOptions {
  fetch?: typeof fetch;
  token?: TokenStore;
  /** Called on 401 so the app can ask for a token. */
  onUnauthorized?: () => void;
}

type Query = Record<string, string | number | string[] | undefined | null>;

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(','));
    } else params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function problemOf(response: Response): Promise<ApiError> {
  let body: { title?: string; detail?: string; errors?: FieldError[] } = {};
  try {
    body = await response.json();
  } catch {
    // not JSON: keep the status text
  }
  return new ApiError(
    response.status,
    body.title ?? response.statusText ?? 'Request failed',
    body.detail ?? body.title ?? `The server answered ${response.status}`,
    Array.isArray(body.errors) ? body.errors : [],
  );
}

export function createApi(options: ApiOptions = {}) {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const token = options.token;

  async function request<T>(
    method: string,
    path: string,
    init: { body?: unknown; query?: Query; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const bearer = token?.get();
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    let response: Response;
    try {
      response = await doFetch(`${API_BASE}${path}${queryString(init.query)}`, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    } catch {
      throw new ApiError(0, 'Offline', 'Taskwire cannot be reached. Check your connection and try again.');
    }
    if (response.status === 401) options.onUnauthorized?.();
    if (!response.ok) throw await problemOf(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  const enc = encodeURIComponent;

  return {
    listTasks: (query: TaskQuery = {}) => request<TaskPage>('GET', '/tasks', { query: { ...query } }),
    getTask: (id: string) => request<Task>('GET', `/tasks/${enc(id)}`),
    createTask: (input: TaskInput) => request<Task>('POST', '/tasks', { body: input }),
    /** With `version`, the server refuses (409) when someone changed the task meanwhile. */
    updateTask: (id: string, patch: TaskPatch, version?: number) =>
      request<Task>('PATCH', `/tasks/${enc(id)}`, {
        body: patch,
        headers: version === undefined ? {} : { 'if-match': `"${version}"` },
      }),
    updateSeries: (seriesId: string, patch: TaskPatch) =>
      request<unknown>('PATCH', `/series/${enc(seriesId)}`, { body: patch }),
    completeTask: (id: string) => request<Task>('POST', `/tasks/${enc(id)}/complete`),
    reopenTask: (id: string) => request<Task>('POST', `/tasks/${enc(id)}/reopen`),
    deleteTask: (id: string) => request<void>('DELETE', `/tasks/${enc(id)}`),
    purgeTask: (id: string) => request<void>('DELETE', `/tasks/${enc(id)}`, { query: { permanent: 'true' } }),
    restoreTask: (id: string) => request<Task>('POST', `/tasks/${enc(id)}/restore`),
    listTrash: (cursor?: string) => request<TaskPage>('GET', '/trash', { query: { cursor, limit: 200 } }),
    getSettings: () => request<Settings>('GET', '/settings'),
    putSettings: (input: SettingsInput) => request<Settings>('PUT', '/settings', { body: input }),
    /** The zone names the server accepts: what the settings and task forms offer. */
    timeZones: () => request<TimeZoneList>('GET', '/time-zones'),
    audit: (entityId: string, limit = 20) =>
      request<{ entries: AuditEntry[] }>('GET', '/audit', { query: { entityId, limit } }),
    chat: (message: string, conversationId?: string | null) =>
      request<ChatReply>('POST', '/chat', {
        body: conversationId ? { message, conversationId } : { message },
      }),
    getConversation: (id: string) => request<Conversation>('GET', `/conversations/${enc(id)}`),
    listNotifications: () => request<NotificationList>('GET', '/notifications'),
    readNotification: (id: string) => request<AppNotification>('POST', `/notifications/${enc(id)}/read`),
    readAllNotifications: () => request<unknown>('POST', '/notifications/read-all'),
    /** EventSource cannot send headers, so the token travels as `access_token`. */
    streamUrl: () => {
      const bearer = token?.get();
      return `${API_BASE}/stream${bearer ? `?access_token=${enc(bearer)}` : ''}`;
    },
  };
}

export type Api = ReturnType<typeof createApi>;
