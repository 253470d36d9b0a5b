import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { routes } from '../app.routes';
import { signInAs } from '../core/auth/auth.testing';

describe('/admin route', () => {
  let router: Router;
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideRouter(routes), provideHttpClient(), provideHttpClientTesting()],
    });
    router = TestBed.inject(Router);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => backend.verify());

  it.each(['viewer', 'analyst'] as const)('sends a %s to the "not allowed" page', async (role) => {
    signInAs(role);
    await router.navigateByUrl('/admin');

    expect(router.url).toBe('/forbidden');
  });

  it('lets an admin in', async () => {
    signInAs('admin');
    await router.navigateByUrl('/admin?tab=api-keys');

    expect(router.url).toBe('/admin?tab=api-keys');
  });
});
