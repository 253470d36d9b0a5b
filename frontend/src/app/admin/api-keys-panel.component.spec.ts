import { Clipboard } from '@angular/cdk/clipboard';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { errorInterceptor } from '../core/error.interceptor';
import { API_KEY, NEW_API_KEY } from './admin.fixture';
import { provideDialogTesting } from '../shared/dialog.testing';
import { ApiKeysPanelComponent } from './api-keys-panel.component';

describe('ApiKeysPanelComponent', () => {
  let fixture: ComponentFixture<ApiKeysPanelComponent>;
  let backend: HttpTestingController;
  let el: HTMLElement;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [ApiKeysPanelComponent],
      providers: [
        provideHttpClient(withInterceptors([errorInterceptor])),
        provideHttpClientTesting(),
        provideDialogTesting(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ApiKeysPanelComponent);
    el = fixture.nativeElement;
    TestBed.tick(); // starts the list resource; whenStable() would wait for its answer
    backend.expectOne('/api/v1/auth/api-keys').flush({ items: [API_KEY] });
    await fixture.whenStable();
  });

  afterEach(() => backend.verify());

  const dialog = () => document.querySelector<HTMLElement>('mat-dialog-container');
  const button = (root: ParentNode, text: string) =>
    [...root.querySelectorAll('button')].find((b) => b.textContent?.includes(text))!;
  const rows = () => [...el.querySelectorAll('tr[data-key-prefix]')];

  async function fillKeyForm(name: string, role: string): Promise<void> {
    const input = el.querySelector<HTMLInputElement>('#api-key-name')!;
    input.value = name;
    input.dispatchEvent(new Event('input'));
    const loader = TestbedHarnessEnvironment.loader(fixture);
    await (await loader.getHarness(MatSelectHarness)).clickOptions({ text: role });
    button(el, 'Create key').click();
    await fixture.whenStable();
  }

  it('lists keys by name, role and prefix, never a key', () => {
    expect(rows().length).toBe(1);
    const row = rows()[0].textContent ?? '';
    expect(row).toContain('CRM nightly sync');
    expect(row).toContain('Viewer');
    expect(row).toContain('a1b2c3d4');
    expect(row).toContain('Active');
  });

  it('shows a new key once, with a copy button, and forgets it when the dialog closes', async () => {
    const copy = vi.spyOn(TestBed.inject(Clipboard), 'copy').mockReturnValue(true);
    await fillKeyForm('  Branch kiosk ', 'Analyst');

    const req = backend.expectOne('/api/v1/auth/api-keys');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ name: 'Branch kiosk', role: 'analyst' });
    req.flush(NEW_API_KEY, { status: 201, statusText: 'Created' });
    await fixture.whenStable();

    const shown = dialog()!;
    expect(shown.querySelector<HTMLTextAreaElement>('[data-testid="new-api-key"]')!.value).toBe(
      NEW_API_KEY.key,
    );
    expect(shown.textContent).toContain('You will not see it again');
    expect(document.activeElement).toBe(button(shown, 'Copy key'));
    button(shown, 'Copy key').click();
    await fixture.whenStable();
    expect(copy).toHaveBeenCalledWith(NEW_API_KEY.key);
    expect(shown.querySelector('[role="status"]')!.textContent).toContain('Copied');

    // Escape does not close it by accident; only "Done" does.
    const escape = { key: 'Escape', keyCode: 27, bubbles: true } as KeyboardEventInit;
    shown.dispatchEvent(new KeyboardEvent('keydown', escape));
    await fixture.whenStable();
    expect(dialog()).not.toBeNull();

    button(shown, 'Done').click();
    await fixture.whenStable();
    expect(dialog()).toBeNull();
    expect(document.body.innerHTML).not.toContain(NEW_API_KEY.key);
    expect(rows().map((r) => r.getAttribute('data-key-prefix'))).toEqual(['a1b2c3d4', 'feedbeef']);
    expect(el.querySelector<HTMLInputElement>('#api-key-name')!.value).toBe('');
  });

  it('says so when copying fails, so the key can be copied by hand', async () => {
    vi.spyOn(TestBed.inject(Clipboard), 'copy').mockReturnValue(false);
    await fillKeyForm('Branch kiosk', 'Analyst');
    backend.expectOne('/api/v1/auth/api-keys').flush(NEW_API_KEY);
    await fixture.whenStable();

    button(dialog()!, 'Copy key').click();
    await fixture.whenStable();
    expect(dialog()!.querySelector('[role="status"]')!.textContent).toContain(
      'select the key and copy it by hand',
    );
    button(dialog()!, 'Done').click();
    await fixture.whenStable();
  });

  it("shows the API's message next to the name and opens no dialog", async () => {
    await fillKeyForm('Bad\u0007name', 'Viewer');
    backend.expectOne('/api/v1/auth/api-keys').flush(
      {
        code: 422,
        status: 'Unprocessable Entity',
        message: 'Invalid input.',
        errors: { json: { name: ['Control characters are not allowed.'] } },
      },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await fixture.whenStable();

    const field = el.querySelector('#api-key-name')!.closest('mat-form-field')!;
    expect(field.querySelector('mat-error')?.textContent?.trim()).toBe(
      'Control characters are not allowed.',
    );
    expect(dialog()).toBeNull();
    expect(rows().length).toBe(1);
  });

  it('checks for a name before calling the API', async () => {
    button(el, 'Create key').click();
    await fixture.whenStable();

    backend.expectNone('/api/v1/auth/api-keys');
    const field = el.querySelector('#api-key-name')!.closest('mat-form-field')!;
    expect(field.querySelector('mat-error')?.textContent?.trim()).toBe('Enter a name.');
  });

  it('revokes a key only after confirming, and shows it revoked', async () => {
    button(el, 'Revoke').click();
    await fixture.whenStable();
    button(dialog()!, 'Cancel').click();
    await fixture.whenStable();
    backend.expectNone('/api/v1/auth/api-keys/7');

    button(el, 'Revoke').click();
    await fixture.whenStable();
    expect(dialog()!.textContent).toContain('CRM nightly sync');
    button(dialog()!, 'Revoke key').click();
    await fixture.whenStable();

    const req = backend.expectOne('/api/v1/auth/api-keys/7');
    expect(req.request.method).toBe('DELETE');
    req.flush({ ...API_KEY, revoked_at: '2026-11-23T06:20:00+00:00' });
    await fixture.whenStable();

    expect(rows()[0].querySelector('[data-testid="key-status"]')!.textContent).toContain('Revoked');
    expect(rows()[0].querySelector('button')).toBeNull();
    expect(document.activeElement?.id).toBe('api-keys-title');
  });
});
