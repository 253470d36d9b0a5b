import { provideHttpClient, withInterceptors, withXsrfConfiguration } from '@angular/common/http';
import { EnvironmentProviders } from '@angular/core';
import { authInterceptor } from './auth/auth.interceptor';
import { errorInterceptor } from './error.interceptor';

/**
 * HttpClient as the API needs it. authInterceptor is outermost: it sees the typed ApiError and
 * reacts to a 401. The API checks X-XSRF-TOKEN against the XSRF-TOKEN cookie on state-changing
 * calls made with the session; HttpClient copies it for same-origin (relative /api) requests.
 */
export function provideApiHttpClient(): EnvironmentProviders {
  return provideHttpClient(
    withInterceptors([authInterceptor, errorInterceptor]),
    withXsrfConfiguration({ cookieName: 'XSRF-TOKEN', headerName: 'X-XSRF-TOKEN' }),
  );
}
