import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';
import { map } from 'rxjs';
import { Role, safeReturnUrl } from './auth.models';
import { AuthService } from './auth.service';

/** Signed-in users only; others go to /login?returnUrl=<where they were going>. */
export const authGuard: CanActivateFn = (_route, state) => {
  const router = inject(Router);
  return inject(AuthService)
    .whenKnown()
    .pipe(
      map(
        (user) =>
          user !== null ||
          router.createUrlTree(['/login'], { queryParams: { returnUrl: state.url } }),
      ),
    );
};

/** The sign-in page: someone already signed in goes straight on to where they were going. */
export const signedOutGuard: CanActivateFn = (route) => {
  const router = inject(Router);
  return inject(AuthService)
    .whenKnown()
    .pipe(
      map(
        (user) =>
          user === null || router.parseUrl(safeReturnUrl(route.queryParamMap.get('returnUrl'))),
      ),
    );
};

/** Pages that only make sense with a role (e.g. "Add customer"); others see "not allowed". */
export function roleGuard(role: Role): CanActivateFn {
  return () => {
    const auth = inject(AuthService);
    const router = inject(Router);
    return auth.whenKnown().pipe(map(() => auth.can(role) || router.createUrlTree(['/forbidden'])));
  };
}
