import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { signInAs } from '../core/auth/auth.testing';
import { errorInterceptor } from '../core/error.interceptor';
import { ADMIN_USER, ANALYST_USER } from './admin.fixture';
import { provideDialogTesting } from '../shared/dialog.testing';
import { UsersPanelComponent } from './users-panel.component';

describe('UsersPanelComponent', () => {
  let fixture: ComponentFixture<UsersPanelComponent>;
  let backend: HttpTestingController;
  let el: HTMLElement;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [UsersPanelComponent],
      providers: [
        provideHttpClient(withInterceptors([errorInterceptor])),
        provideHttpClientTesting(),
        provideDialogTesting(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    signInAs('admin', ADMIN_USER.username);
    fixture = TestBed.createComponent(UsersPanelComponent);
    el = fixture.nativeElement;
    TestBed.tick();
    backend.expectOne('/api/v1/auth/users').flush({ items: [ANALYST_USER, ADMIN_USER] });
    await fixture.whenStable();
  });

  afterEach(() => backend.verify());

  const row = (username: string) =>
    el.querySelector<HTMLElement>(`tr[data-username="${username}"]`);
  const button = (root: ParentNode, text: string) =>
    [...root.querySelectorAll('button')].find((b) => b.textContent?.includes(text))!;
  const dialog = () => document.querySelector<HTMLElement>('mat-dialog-container');
  const status = (username: string) =>
    row(username)!.querySelector('[data-testid="user-status"]')!.textContent!.trim();
  const roleSelect = async (username: string) =>
    TestbedHarnessEnvironment.loader(fixture).getHarness(
      MatSelectHarness.with({ selector: `[aria-label="Role of ${username}"]` }),
    );

  async function type(selector: string, value: string): Promise<void> {
    const input = el.querySelector<HTMLInputElement>(selector)!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new Event('blur'));
    await fixture.whenStable();
  }

  const errorUnder = (selector: string) =>
    el.querySelector(selector)!.closest('mat-form-field')!.querySelector('mat-error')?.textContent;

  it("marks the admin's own row and disables its role, disable and delete controls", async () => {
    expect(row(ADMIN_USER.username)!.textContent).toContain('(you)');
    expect(button(row(ADMIN_USER.username)!, 'Disable').disabled).toBe(true);
    expect(button(row(ADMIN_USER.username)!, 'Delete').disabled).toBe(true);
    expect(await (await roleSelect(ADMIN_USER.username)).isDisabled()).toBe(true);

    expect(row('alice')!.textContent).not.toContain('(you)');
    expect(button(row('alice')!, 'Disable').disabled).toBe(false);
    expect(button(row('alice')!, 'Delete').disabled).toBe(false);
    expect(await (await roleSelect('alice')).isDisabled()).toBe(false);
  });

  it('disables and enables a user', async () => {
    button(row('alice')!, 'Disable').click();
    const req = backend.expectOne('/api/v1/auth/users/2');
    expect(req.request.method).toBe('PATCH');
    expect(req.request.body).toEqual({ disabled: true });
    req.flush({ ...ANALYST_USER, disabled: true });
    await fixture.whenStable();

    expect(status('alice')).toBe('Disabled');
    button(row('alice')!, 'Enable').click();
    expect(backend.expectOne('/api/v1/auth/users/2').request.body).toEqual({ disabled: false });
  });

  it('changes a role, and puts it back with the message when the API refuses', async () => {
    await (await roleSelect('alice')).clickOptions({ text: 'Viewer' });
    const req = backend.expectOne('/api/v1/auth/users/2');
    expect(req.request.body).toEqual({ role: 'viewer' });
    req.flush({ ...ANALYST_USER, role: 'viewer' });
    await fixture.whenStable();
    expect(await (await roleSelect('alice')).getValueText()).toBe('Viewer');

    await (await roleSelect('alice')).clickOptions({ text: 'Admin' });
    backend
      .expectOne('/api/v1/auth/users/2')
      .flush(
        { code: 409, status: 'Conflict', message: 'That would leave no active admin.' },
        { status: 409, statusText: 'Conflict' },
      );
    await fixture.whenStable();
    expect(await (await roleSelect('alice')).getValueText()).toBe('Viewer');
    expect(el.querySelector('[role="alert"]')!.textContent).toContain(
      'That would leave no active admin.',
    );
  });

  it('sets a new password in a dialog that shows the rules and the API answer', async () => {
    expect(button(row(ADMIN_USER.username)!, 'Password').disabled).toBe(true);
    button(row('alice')!, 'Password').click();
    await fixture.whenStable();
    const shown = dialog()!;
    expect(shown.textContent).toContain('Set a new password for alice');
    const input = shown.querySelector<HTMLInputElement>('#set-password')!;
    expect(document.activeElement).toBe(input);
    const submit = async (value: string) => {
      input.value = value;
      input.dispatchEvent(new Event('input'));
      button(shown, 'Set password').click();
      await fixture.whenStable();
    };
    const error = () => shown.querySelector('mat-error')?.textContent?.trim();

    await submit('short');
    backend.expectNone('/api/v1/auth/users/2');
    expect(error()).toBe('At least 12 characters.');

    await submit('password1234');
    const refused = backend.expectOne('/api/v1/auth/users/2');
    expect(refused.request.method).toBe('PATCH');
    expect(refused.request.body).toEqual({ password: 'password1234' });
    refused.flush(
      {
        code: 422,
        status: 'Unprocessable Entity',
        message: 'Invalid input.',
        errors: { json: { password: ['Too common; choose another.'] } },
      },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await fixture.whenStable();
    expect(error()).toBe('Too common; choose another.');

    await submit('a-much-better-passphrase');
    backend.expectOne('/api/v1/auth/users/2').flush(ANALYST_USER);
    await fixture.whenStable();
    expect(dialog()).toBeNull();
  });

  it('deletes a user only after confirming', async () => {
    button(row('alice')!, 'Delete').click();
    await fixture.whenStable();
    expect(dialog()!.textContent).toContain('alice');
    button(dialog()!, 'Cancel').click();
    await fixture.whenStable();
    backend.expectNone('/api/v1/auth/users/2');

    button(row('alice')!, 'Delete').click();
    await fixture.whenStable();
    button(dialog()!, 'Delete user').click();
    await fixture.whenStable();
    const req = backend.expectOne('/api/v1/auth/users/2');
    expect(req.request.method).toBe('DELETE');
    req.flush(null, { status: 204, statusText: 'No Content' });
    await fixture.whenStable();

    expect(row('alice')).toBeNull();
    expect(row(ADMIN_USER.username)).not.toBeNull();
    expect(document.activeElement?.id).toBe('users-title');
  });

  it('adds a user and lists it', async () => {
    await type('#new-user-username', 'bob.smith');
    await type('#new-user-password', 'correct-horse-battery');
    button(el, 'Add user').click();
    const req = backend.expectOne('/api/v1/auth/users');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({
      username: 'bob.smith',
      password: 'correct-horse-battery',
      role: 'viewer',
    });
    req.flush({ ...ANALYST_USER, id: 3, username: 'bob.smith', role: 'viewer' });
    await fixture.whenStable();

    expect(status('bob.smith')).toBe('Active');
    expect(el.querySelector<HTMLInputElement>('#new-user-username')!.value).toBe('');
    expect(el.querySelector<HTMLInputElement>('#new-user-password')!.value).toBe('');
  });

  it('checks the rules before sending, next to each field', async () => {
    await type('#new-user-username', 'Bob');
    await type('#new-user-password', 'short');
    button(el, 'Add user').click();
    await fixture.whenStable();

    backend.expectNone('/api/v1/auth/users');
    expect(errorUnder('#new-user-username')).toContain('Lower-case letters, digits, . _ - only.');
    expect(errorUnder('#new-user-password')).toContain('At least 12 characters.');
    expect(document.activeElement?.id).toBe('new-user-username');
  });

  it('shows a taken user name (409) under the user name field', async () => {
    await type('#new-user-username', 'alice');
    await type('#new-user-password', 'correct-horse-battery');
    button(el, 'Add user').click();
    backend
      .expectOne('/api/v1/auth/users')
      .flush(
        { code: 409, status: 'Conflict', message: 'User alice already exists.' },
        { status: 409, statusText: 'Conflict' },
      );
    await fixture.whenStable();

    expect(errorUnder('#new-user-username')).toContain('User alice already exists.');
    expect(el.querySelector('[role="alert"]')).toBeNull();
    expect(document.activeElement?.id).toBe('new-user-username');
  });

  it("shows a 422's messages under the fields they concern", async () => {
    await type('#new-user-username', 'carol');
    await type('#new-user-password', 'correct-horse-battery');
    button(el, 'Add user').click();
    backend.expectOne('/api/v1/auth/users').flush(
      {
        code: 422,
        status: 'Unprocessable Entity',
        message: 'Invalid input.',
        errors: { json: { password: ['Too common; choose another.'] } },
      },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await fixture.whenStable();

    expect(errorUnder('#new-user-password')).toContain('Too common; choose another.');
    expect(document.activeElement?.id).toBe('new-user-password');
  });
});
