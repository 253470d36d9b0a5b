import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { ApiError } from '../api-error';
import { errorInterceptor } from '../error.interceptor';
import { authInterceptor } from './auth.interceptor';
import { AuthService } from './auth.service';
import { signInAs } from './auth.testing';

@Component({ template: '' })
class StubPage {}

describe('authInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;
  let router: Router;
  let auth: AuthService;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: 'login', component: StubPage },
          { path: 'customers', component: StubPage },
        ]),
        provideHttpClient(withInterceptors([authInterceptor, errorInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
    router = TestBed.inject(Router);
    auth = TestBed.inject(AuthService);
    signInAs('analyst');
    await router.navigateByUrl('/customers?q=gold');
  });

  afterEach(() => backend.verify());

  const settle = () => new Promise((resolve) => setTimeout(resolve));

  function callFailing(url: string, status: number, message: string): unknown {
    let caught: unknown;
    http.get(url).subscribe({ error: (e: unknown) => (caught = e) });
    backend
      .expectOne(url)
      .flush({ code: status, status: 'Error', message }, { status, statusText: 'Error' });
    return caught;
  }

  it('on a 401 forgets the user and goes to sign-in, returning to the current page', async () => {
    const error = callFailing('/api/v1/customers', 401, 'Sign in first.');
    await settle();

    expect((error as ApiError).status).toBe(401);
    expect(auth.user()).toBeNull();
    expect(router.url).toBe('/login?returnUrl=%2Fcustomers%3Fq%3Dgold');
  });

  it.each(['/api/v1/auth/login', '/api/v1/auth/me'])(
    'leaves a 401 from %s to its caller',
    async (url) => {
      callFailing(url, 401, 'Wrong user name or password.');
      await settle();

      expect(auth.user()?.role).toBe('analyst');
      expect(router.url).toBe('/customers?q=gold');
    },
  );

  it('passes a 403 on with the API message and keeps the user on the page', async () => {
    const error = callFailing(
      '/api/v1/customers',
      403,
      'This needs the admin role; you are an analyst.',
    );
    await settle();

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe('This needs the admin role; you are an analyst.');
    expect(auth.user()?.role).toBe('analyst');
    expect(router.url).toBe('/customers?q=gold');
  });
});
