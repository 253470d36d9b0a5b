import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { signInAs } from '../core/auth/auth.testing';
import { AdminPageComponent } from './admin-page.component';
import { ADMIN_USER, API_KEY } from './admin.fixture';
import { provideDialogTesting } from '../shared/dialog.testing';

describe('AdminPageComponent', () => {
  let fixture: ComponentFixture<AdminPageComponent>;
  let backend: HttpTestingController;
  let el: HTMLElement;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [AdminPageComponent],
      providers: [
        provideRouter([]),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideDialogTesting(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    signInAs('admin', ADMIN_USER.username);
    fixture = TestBed.createComponent(AdminPageComponent);
    el = fixture.nativeElement;
  });

  afterEach(() => backend.verify());

  const tab = (label: string) =>
    [...el.querySelectorAll<HTMLElement>('[role="tab"]')].find((t) =>
      t.textContent?.includes(label),
    )!;

  it('opens on Users and loads only the users', async () => {
    TestBed.tick();
    backend.expectOne('/api/v1/auth/users').flush({ items: [ADMIN_USER] });
    await fixture.whenStable();

    expect(tab('Users').getAttribute('aria-selected')).toBe('true');
    expect(el.querySelector('app-users-panel')).not.toBeNull();
    expect(el.querySelector('app-api-keys-panel')).toBeNull();
  });

  it('opens the API keys tab from ?tab=api-keys and keeps the choice in the URL', async () => {
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    fixture.componentRef.setInput('tab', 'api-keys');
    TestBed.tick();
    backend.expectOne('/api/v1/auth/api-keys').flush({ items: [API_KEY] });
    await fixture.whenStable();
    expect(tab('API keys').getAttribute('aria-selected')).toBe('true');

    tab('Users').click();
    TestBed.tick();
    backend.expectOne('/api/v1/auth/users').flush({ items: [ADMIN_USER] });
    await fixture.whenStable();
    expect(navigate).toHaveBeenCalledWith(
      [],
      expect.objectContaining({ queryParams: { tab: null }, replaceUrl: true }),
    );
  });
});
