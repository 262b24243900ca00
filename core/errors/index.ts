/**
 * Error classes decide what happens next: a `ValidationError` (and every other `ClientError`) is the
 * caller's fault and is never retried; anything else is unexpected and retried with backoff.
 */
export interface FieldIssue {
  field: string;
  message: string;
}

export class ClientError extends Error {
  override name = 'ClientError';
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

export class ValidationError extends ClientError {
  override name = 'ValidationError';
  constructor(message: string, issues: FieldIssue[] = []) {
    super(400, 'Invalid request', message, issues);
  }
}

/**
 * A well-formed request the rules refuse: it contradicts itself or what is stored (a recurring task
 * without a due time, `until` before the first occurrence). 422, so that 400 keeps meaning "does not
 * match the API's schema" — the OpenAPI document states every 400 rule, no document can state these.
 */
export class UnprocessableError extends ClientError {
  override name = 'UnprocessableError';
  constructor(message: string, issues: FieldIssue[] = []) {
    super(422, 'Unprocessable request', message, issues);
  }
}

export class NotFoundError extends ClientError {
  override name = 'NotFoundError';
  constructor(message: string) {
    super(404, 'Not found', message);
  }
}

export class ConflictError extends ClientError {
  override name = 'ConflictError';
  constructor(message: string, issues: FieldIssue[] = []) {
    super(409, 'Conflict', message, issues);
  }
}

/** Thrown by an event handler for input it can never process: dead-lettered at once, not retried. */
export class NonRetriableError extends ClientError {
  override name = 'NonRetriableError';
  constructor(message: string) {
    super(422, 'Unprocessable event', message);
  }
}

interface ZodIssueLike {
  path: ReadonlyArray<PropertyKey>;
  message: string;
  code?: string;
  keys?: readonly string[];
}

/** Builds the `FieldIssue`s of a zod error, joining the path into a dotted field name. */
export function issuesFromZod(error: { issues: ReadonlyArray<ZodIssueLike> }, prefix?: string): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean);
    const field = (extra: string[] = []) => [...base, ...extra].join('.') || '(body)';
    if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
      return issue.keys.map((key) => ({ field: field([key]), message: 'unknown field' }));
    }
    if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
      return [{ field: field(), message: 'required' }];
    }
    return [{ field: field(), message: issue.message }];
  });
}

export function describeIssues(issues: FieldIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.message}`).join('; ');
}
