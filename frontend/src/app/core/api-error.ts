import { HttpErrorResponse } from '@angular/common/http';

/** Messages keyed by a dotted field path: "age", "spending.Travel", "0.Utilities". */
export type FieldErrors = Record<string, string[]>;

export const UNAVAILABLE_MESSAGE =
  'The segmentation service is unavailable. Please try again shortly.';

const UNAVAILABLE_STATUSES = new Set([0, 502, 503, 504]);

const FALLBACK_MESSAGES: Record<number, string> = {
  400: 'The request could not be understood.',
  401: 'Please sign in again.',
  403: 'You are not allowed to do that.',
  404: 'Not found.',
  409: 'That conflicts with existing data.',
  422: 'Some values need attention. Check the highlighted fields.',
  500: 'Something went wrong on the server. Please try again.',
};

/**
 * The API's stable machine-readable causes (`reason` in its error body) the UI acts on;
 * `no_active_model`: the segmentation has no active model yet (409).
 */
export type ErrorReason = 'no_active_model' | 'model_not_loaded' | 'database_unavailable';

/** The one error type the UI shows; built from the API error shape by the interceptor. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fieldErrors: FieldErrors = {},
    /** The body's `reason`, when the API gave one ('' otherwise). */
    readonly reason: ErrorReason | '' = '',
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** First message for a field path, or null. */
  fieldMessage(path: string): string | null {
    return this.fieldErrors[path]?.[0] ?? null;
  }

  get hasFieldErrors(): boolean {
    return Object.keys(this.fieldErrors).length > 0;
  }
}

export function toApiError(response: HttpErrorResponse): ApiError {
  const status = response.status;
  const body = isRecord(response.error) ? response.error : {};
  const reason = isReason(body['reason']) ? body['reason'] : '';
  if (UNAVAILABLE_STATUSES.has(status)) {
    return new ApiError(status, UNAVAILABLE_MESSAGE, {}, reason);
  }
  const errors = isRecord(body['errors']) ? body['errors'] : {};
  const fieldErrors = flattenErrors(isRecord(errors['json']) ? errors['json'] : errors);
  const apiMessage = typeof body['message'] === 'string' ? body['message'].trim() : '';
  const message = apiMessage || FALLBACK_MESSAGES[status] || `The request failed (HTTP ${status}).`;
  return new ApiError(status, message, fieldErrors, reason);
}

const REASONS: readonly string[] = ['no_active_model', 'model_not_loaded', 'database_unavailable'];

function isReason(value: unknown): value is ErrorReason {
  return typeof value === 'string' && REASONS.includes(value);
}

/** Turns {"spending": {"Travel": ["..."]}} into {"spending.Travel": ["..."]}. */
export function flattenErrors(value: unknown, prefix = ''): FieldErrors {
  const out: FieldErrors = {};
  if (Array.isArray(value)) {
    const messages = value.filter((m): m is string => typeof m === 'string');
    if (messages.length) out[prefix || '_'] = messages;
    value.filter(isRecord).forEach((item) => Object.assign(out, flattenErrors(item, prefix)));
    return out;
  }
  if (typeof value === 'string') {
    out[prefix || '_'] = [value];
    return out;
  }
  if (isRecord(value)) {
    for (const [key, child] of Object.entries(value)) {
      Object.assign(out, flattenErrors(child, prefix ? `${prefix}.${key}` : key));
    }
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** For UI code that may receive a raw error (e.g. in tests without the interceptor). */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HttpErrorResponse) return toApiError(error);
  return new ApiError(-1, 'Something unexpected happened. Please reload the page.');
}
