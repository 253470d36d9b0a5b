import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { signInAs } from './auth/auth.testing';
import { SegmentationContext } from './segmentation/segmentation-context.service';
import { ShellComponent } from './shell.component';

@Component({ template: '' })
class StubPage {}

const SEGMENTATIONS = {
  items: [
    { name: 'lifestyle', features: [], active_model_version: 3 },
    { name: 'cards', features: [], active_model_version: null },
  ],
};

describe('ShellComponent', () => {
  let fixture: ComponentFixture<ShellComponent>;
  let backend: HttpTestingController;
  let router: Router;
  let el: HTMLElement;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [ShellComponent],
      providers: [
        provideRouter([{ path: '**', component: StubPage }]),
        provideHttpClient(),
        provideHttpClientTesting(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    router = TestBed.inject(Router);
    fixture = TestBed.createComponent(ShellComponent);
    el = fixture.nativeElement;
  });

  afterEach(() => backend.verify());

  const signOutButton = () =>
    [...el.querySelectorAll('button')].find((b) => b.textContent?.includes('Sign out'));

  /** Signs in, answers the switcher's list of segmentations and renders. */
  async function signedInAs(
    role: 'viewer' | 'analyst' | 'admin',
    username?: string,
  ): Promise<void> {
    signInAs(role, username);
    fixture.detectChanges();
    backend.expectOne('/api/v1/segmentations').flush(SEGMENTATIONS);
    await fixture.whenStable();
  }

  it('hides the navigation and the account while signed out', async () => {
    await fixture.whenStable();

    expect(el.querySelector('nav')).toBeNull();
    expect(signOutButton()).toBeUndefined();
  });

  it('shows the user name, role and navigation (Import for analysts) when signed in', async () => {
    await signedInAs('analyst', 'alice');

    const labels = [...el.querySelectorAll('nav a')].map((a) => a.textContent?.trim());
    expect(labels).toEqual([
      'insightsPredict',
      'donut_smallSegments',
      'model_trainingTraining',
      'monitor_heartMonitoring',
      'peopleCustomers',
      'upload_fileImport',
    ]);
    expect(el.querySelector('nav a[href="/admin"]')).toBeNull();
    const user = el.querySelector('[data-testid="signed-in-user"]')?.textContent ?? '';
    expect(user).toContain('alice');
    expect(user).toContain('Analyst');
  });

  it('shows the Admin link to admins only', async () => {
    await signedInAs('admin', 'root');
    expect(el.querySelectorAll('nav a').length).toBe(7);
    expect(el.querySelector('nav a[href="/admin"]')?.textContent).toContain('Admin');
  });

  it('does not offer Import to a viewer', async () => {
    await signedInAs('viewer');
    expect(el.querySelectorAll('nav a').length).toBe(5);
  });

  it('switching segmentation puts ?segmentation= in the URL and in the navigation links', async () => {
    await router.navigateByUrl('/segments?q=1');
    await signedInAs('viewer');

    el.querySelector<HTMLElement>(
      '[data-testid="segmentation-switcher"] .mat-mdc-select-trigger',
    )!.click();
    await fixture.whenStable();
    const options = [...document.querySelectorAll<HTMLElement>('mat-option')];
    expect(options.map((o) => o.textContent?.trim())).toEqual(['lifestyle', 'cards']);
    options[1].click();
    await fixture.whenStable();

    expect(router.url).toBe('/segments?q=1&segmentation=cards');
    expect(TestBed.inject(SegmentationContext).current()).toBe('cards');
    const training = [...el.querySelectorAll('nav a')].find((a) =>
      a.textContent?.includes('Training'),
    );
    expect(training?.getAttribute('href')).toBe('/training?segmentation=cards');

    // An in-app link that names no segmentation keeps the chosen one.
    await router.navigateByUrl('/customers');
    await fixture.whenStable();
    expect(router.url).toBe('/customers?segmentation=cards');

    // Back to the default: the parameter leaves the URL.
    el.querySelector<HTMLElement>(
      '[data-testid="segmentation-switcher"] .mat-mdc-select-trigger',
    )!.click();
    await fixture.whenStable();
    document.querySelectorAll<HTMLElement>('mat-option')[0].click();
    await fixture.whenStable();
    expect(router.url).toBe('/customers');
  });

  it('takes the segmentation from a link that names one', async () => {
    await router.navigateByUrl('/training?segmentation=cards');
    await signedInAs('viewer');

    expect(TestBed.inject(SegmentationContext).current()).toBe('cards');
    expect(el.querySelector('[data-testid="segmentation-switcher"]')?.textContent).toContain(
      'cards',
    );
  });

  it('signs out and goes to the sign-in page', async () => {
    const navigate = vi.spyOn(router, 'navigate');
    await signedInAs('viewer');

    signOutButton()!.click();
    backend.expectOne('/api/v1/auth/logout').flush(null, { status: 204, statusText: 'No Content' });
    await fixture.whenStable();

    expect(navigate).toHaveBeenCalledWith(['/login']);
    expect(el.querySelector('nav')).toBeNull();
  });
});
