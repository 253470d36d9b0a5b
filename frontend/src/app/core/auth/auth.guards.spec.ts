import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { authGuard, roleGuard, signedOutGuard } from './auth.guards';
import { signInAs } from './auth.testing';

@Component({ template: '' })
class StubPage {}

describe('auth guards', () => {
  let router: Router;
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: 'login', canActivate: [signedOutGuard], component: StubPage },
          { path: 'forbidden', component: StubPage },
          {
            path: '',
            canActivateChild: [authGuard],
            children: [
              { path: '', pathMatch: 'full', component: StubPage },
              { path: 'training', component: StubPage },
              { path: 'customers/new', canActivate: [roleGuard('analyst')], component: StubPage },
            ],
          },
        ]),
        provideHttpClient(),
        provideHttpClientTesting(),
      ],
    });
    router = TestBed.inject(Router);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => backend.verify());

  /** The guard asks /auth/me once the navigation reaches it; answer "not signed in". */
  const notSignedIn = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    backend
      .expectOne('/api/v1/auth/me')
      .flush(
        { code: 401, status: 'Unauthorized', message: 'Sign in first.' },
        { status: 401, statusText: 'Unauthorized' },
      );
  };

  it('sends a signed-out visitor to /login with the page they wanted as returnUrl', async () => {
    const navigation = router.navigateByUrl('/training?tab=jobs');
    await notSignedIn();
    await navigation;

    expect(router.url).toBe('/login?returnUrl=%2Ftraining%3Ftab%3Djobs');
  });

  it('lets a signed-in user through', async () => {
    signInAs('viewer');
    await router.navigateByUrl('/training');

    expect(router.url).toBe('/training');
  });

  it('sends someone already signed in from /login on to the returnUrl', async () => {
    signInAs('viewer');
    await router.navigateByUrl('/login?returnUrl=%2Ftraining');

    expect(router.url).toBe('/training');
  });

  it('shows the sign-in page to a signed-out visitor', async () => {
    const navigation = router.navigateByUrl('/login');
    await notSignedIn();
    await navigation;

    expect(router.url).toBe('/login');
  });

  it('turns a viewer away from a page that needs the analyst role', async () => {
    signInAs('viewer');
    await router.navigateByUrl('/customers/new');

    expect(router.url).toBe('/forbidden');
  });

  it('lets an analyst open a page that needs the analyst role', async () => {
    signInAs('analyst');
    await router.navigateByUrl('/customers/new');

    expect(router.url).toBe('/customers/new');
  });
});
