import { HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, throwError } from 'rxjs';
import { ApiError } from '../api-error';
import { AuthService } from './auth.service';

/** /auth/login answers 401 for a wrong password and /auth/me for "not signed in": not expiry. */
const AUTH_CALLS = /^\/api\/v1\/auth\//;

/**
 * A 401 from any other API call means the session ended (expired, signed out elsewhere):
 * forget the user and send them to sign in, coming back to the current page afterwards.
 * The error still reaches the caller, so a 403's API message shows where the action was.
 */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  const auth = inject(AuthService);
  const router = inject(Router);
  return next(req).pipe(
    catchError((error: unknown) => {
      if (statusOf(error) === 401 && !AUTH_CALLS.test(req.url)) {
        auth.clear();
        const current = router.url;
        if (!current.startsWith('/login')) {
          router.navigate(['/login'], { queryParams: { returnUrl: current } });
        }
      }
      return throwError(() => error);
    }),
  );
};

function statusOf(error: unknown): number | null {
  return error instanceof HttpErrorResponse || error instanceof ApiError ? error.status : null;
}
