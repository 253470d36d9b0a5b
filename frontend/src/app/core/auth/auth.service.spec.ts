import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ApiError } from '../api-error';
import { errorInterceptor } from '../error.interceptor';
import { safeReturnUrl } from './auth.models';
import { AuthService } from './auth.service';

describe('AuthService', () => {
  let auth: AuthService;
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([errorInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    auth = TestBed.inject(AuthService);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => backend.verify());

  it('posts the credentials and remembers the user and role it signs in as', () => {
    auth.login({ username: 'alice', password: 's3cret-pass' }).subscribe();
    const req = backend.expectOne('/api/v1/auth/login');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ username: 'alice', password: 's3cret-pass' });
    req.flush({ username: 'alice', role: 'analyst' });

    expect(auth.user()).toEqual({ username: 'alice', role: 'analyst' });
    expect(auth.isSignedIn()).toBe(true);
    expect(auth.can('viewer')).toBe(true);
    expect(auth.can('analyst')).toBe(true);
    expect(auth.can('admin')).toBe(false);
    expect(auth.isAnalyst()).toBe(true);
    expect(auth.isAdmin()).toBe(false);
  });

  it('stays signed out and passes the 401 on for wrong credentials', () => {
    let caught: unknown;
    auth
      .login({ username: 'alice', password: 'nope' })
      .subscribe({ error: (e: unknown) => (caught = e) });
    backend
      .expectOne('/api/v1/auth/login')
      .flush(
        { code: 401, status: 'Unauthorized', message: 'Wrong user name or password.' },
        { status: 401, statusText: 'Unauthorized' },
      );

    expect((caught as ApiError).status).toBe(401);
    expect(auth.user()).toBeNull();
    expect(auth.can('viewer')).toBe(false);
  });

  it('loads the signed-in user from /auth/me', () => {
    let loaded: unknown;
    auth.loadMe().subscribe((user) => (loaded = user));
    const req = backend.expectOne('/api/v1/auth/me');
    expect(req.request.method).toBe('GET');
    req.flush({ username: 'bob', role: 'admin' });

    expect(loaded).toEqual({ username: 'bob', role: 'admin' });
    expect(auth.isAdmin()).toBe(true);
  });

  it('treats a 401 from /auth/me as signed out, and asks only once', () => {
    let first: unknown = 'unset';
    let second: unknown = 'unset';
    auth.whenKnown().subscribe((user) => (first = user));
    auth.whenKnown().subscribe((user) => (second = user));
    backend
      .expectOne('/api/v1/auth/me')
      .flush(
        { code: 401, status: 'Unauthorized', message: 'Sign in first.' },
        { status: 401, statusText: 'Unauthorized' },
      );

    expect(first).toBeNull();
    expect(second).toBeNull();
    expect(auth.isSignedIn()).toBe(false);

    let third: unknown = 'unset';
    auth.whenKnown().subscribe((user) => (third = user));
    backend.expectNone('/api/v1/auth/me');
    expect(third).toBeNull();
  });

  it('signs out on the server and forgets the user', () => {
    auth.login({ username: 'alice', password: 'pw' }).subscribe();
    backend.expectOne('/api/v1/auth/login').flush({ username: 'alice', role: 'viewer' });

    let done = false;
    auth.logout().subscribe({ complete: () => (done = true) });
    const req = backend.expectOne('/api/v1/auth/logout');
    expect(req.request.method).toBe('POST');
    req.flush(null, { status: 204, statusText: 'No Content' });

    expect(done).toBe(true);
    expect(auth.user()).toBeNull();
  });

  it('forgets the user even when signing out fails on the server', () => {
    auth.login({ username: 'alice', password: 'pw' }).subscribe();
    backend.expectOne('/api/v1/auth/login').flush({ username: 'alice', role: 'viewer' });

    auth.logout().subscribe({ error: () => undefined });
    backend
      .expectOne('/api/v1/auth/logout')
      .flush(null, { status: 503, statusText: 'Unavailable' });

    expect(auth.user()).toBeNull();
  });
});

describe('safeReturnUrl', () => {
  it.each([
    ['/training', '/training'],
    ['/customers?q=gold&page=2', '/customers?q=gold&page=2'],
    [null, '/'],
    ['', '/'],
    ['https://evil.example/', '/'],
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['/login?returnUrl=%2Ftraining', '/'],
  ])('returns %s as %s', (value, expected) => {
    expect(safeReturnUrl(value)).toBe(expected);
  });
});
