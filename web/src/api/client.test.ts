import { describe, expect, it, vi } from 'vitest';
import { fakeFetch, json, makeTask, problem } from '../test-support/fixtures';
import { ApiError, createApi, createTokenStore } from './client';

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

describe('api client', () => {
  it('turns a problem+json answer into an ApiError with its field messages', async () => {
    const { fetch } = fakeFetch({
      'POST /api/tasks': () =>
        problem(400, 'Invalid request', 'title: title is required', [
          { field: 'title', message: 'title is required' },
        ]),
    });
    const error = await createApi({ fetch })
      .createTask({ title: '' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      detail: 'title: title is required',
      fieldErrors: [{ field: 'title', message: 'title is required' }],
    });
  });

  it('sends If-Match with the version and lists with comma-separated filters', async () => {
    const task = makeTask({ version: 4 });
    const { fetch, calls } = fakeFetch({
      [`PATCH /api/tasks/${task.id}`]: () => json(task),
      'GET /api/tasks': () => json({ tasks: [], nextCursor: null }),
    });
    const api = createApi({ fetch });
    await api.updateTask(task.id, { title: 'x' }, 3);
    await api.listTasks({ status: 'active', priority: ['high', 'low'], q: '', sort: '-due' });
    expect(new Headers(calls[0]!.init.headers).get('if-match')).toBe('"3"');
    expect(calls[0]!.body).toEqual({ title: 'x' });
    expect(calls[1]!.url.search).toBe('?status=active&priority=high%2Clow&sort=-due');
  });

  it('sends the stored token and reports a 401', async () => {
    const onUnauthorized = vi.fn();
    const token = createTokenStore(memoryStorage());
    token.set('s3cret');
    const { fetch, calls } = fakeFetch({ 'GET /api/settings': () => problem(401, 'Unauthorized', 'token') });
    const api = createApi({ fetch, token, onUnauthorized });
    await expect(api.getSettings()).rejects.toMatchObject({ status: 401 });
    expect(new Headers(calls[0]!.init.headers).get('authorization')).toBe('Bearer s3cret');
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect(api.streamUrl()).toBe('/api/stream?access_token=s3cret');
    token.set(null);
    expect(api.streamUrl()).toBe('/api/stream');
  });

  it('reports an unreachable server as status 0', async () => {
    const api = createApi({ fetch: () => Promise.reject(new TypeError('fetch failed')) });
    await expect(api.getSettings()).rejects.toMatchObject({ status: 0 });
  });
});
