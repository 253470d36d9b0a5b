import { DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Observable } from 'rxjs';
import { ApiError, asApiError } from '../core/api-error';

export interface MutationHandlers<T> {
  /** The server's answer. */
  done?: (value: T) => void;
  /**
   * The typed error, e.g. to put field messages on a form (`applyApiErrors`). Return true when
   * it is shown in full that way: `error` then stays null, so no banner repeats it.
   */
  failed?: (error: ApiError) => boolean | void;
}

/**
 * A call that changes something on the server (save, create, delete, start), as the page shows
 * it: `pending` while it runs (the button is disabled), `error` for the banner once it failed.
 * The call may start with a confirmation (`confirmAction(...).pipe(filter(Boolean), switchMap(...))`).
 * One per action, made in a field initializer (it needs the injection context): the call is
 * dropped with the component.
 */
export class Mutation {
  private readonly destroyRef = inject(DestroyRef);
  private readonly running = signal(false);
  private readonly failure = signal<ApiError | null>(null);
  readonly pending = this.running.asReadonly();
  readonly error = this.failure.asReadonly();

  run<T>(request: Observable<T>, handlers: MutationHandlers<T> = {}): void {
    this.failure.set(null);
    this.running.set(true);
    request.pipe(takeUntilDestroyed(this.destroyRef)).subscribe({
      next: (value) => {
        this.running.set(false);
        handlers.done?.(value);
      },
      error: (error: unknown) => {
        this.running.set(false);
        const apiError = asApiError(error);
        this.failure.set(handlers.failed?.(apiError) === true ? null : apiError);
      },
      // a call that ends without an answer (e.g. a confirmation dialog was cancelled)
      complete: () => this.running.set(false),
    });
  }

  /** Forget the last failure (the form was reset or closed). */
  clearError(): void {
    this.failure.set(null);
  }
}

export function mutation(): Mutation {
  return new Mutation();
}
