import { HttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { provideApiHttpClient } from './api-http';

describe('provideApiHttpClient', () => {
  let http: HttpClient;
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideApiHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    backend.verify();
    document.cookie = 'XSRF-TOKEN=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
  });

  it('copies the XSRF-TOKEN cookie into X-XSRF-TOKEN on state-changing calls', () => {
    document.cookie = 'XSRF-TOKEN=token-123; path=/';
    http.patch('/api/v1/segmentation/segments/2', { name: 'Savers' }).subscribe();
    http.delete('/api/v1/customers/7').subscribe();
    http.get('/api/v1/customers').subscribe();

    expect(
      backend.expectOne('/api/v1/segmentation/segments/2').request.headers.get('X-XSRF-TOKEN'),
    ).toBe('token-123');
    expect(backend.expectOne('/api/v1/customers/7').request.headers.get('X-XSRF-TOKEN')).toBe(
      'token-123',
    );
    expect(backend.expectOne('/api/v1/customers').request.headers.has('X-XSRF-TOKEN')).toBe(false);
  });

  it('signs in without a token before the first session exists', () => {
    http.post('/api/v1/auth/login', { username: 'a', password: 'b' }).subscribe();
    const req = backend.expectOne('/api/v1/auth/login');
    expect(req.request.headers.has('X-XSRF-TOKEN')).toBe(false);
    req.flush({ username: 'a', role: 'viewer' });
  });
});
