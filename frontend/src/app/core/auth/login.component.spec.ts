import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { errorInterceptor } from '../error.interceptor';
import { AuthService } from './auth.service';
import { LoginComponent } from './login.component';

@Component({ template: '' })
class StubPage {}

describe('LoginComponent', () => {
  let fixture: ComponentFixture<LoginComponent>;
  let backend: HttpTestingController;
  let router: Router;
  let el: HTMLElement;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [LoginComponent],
      providers: [
        provideRouter([{ path: '**', component: StubPage }]),
        provideHttpClient(withInterceptors([errorInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    router = TestBed.inject(Router);
    fixture = TestBed.createComponent(LoginComponent);
    fixture.componentRef.setInput('returnUrl', '/training');
    el = fixture.nativeElement;
    await fixture.whenStable();
  });

  afterEach(() => backend.verify());

  const input = (id: string) => el.querySelector<HTMLInputElement>(`#${id}`)!;
  const type = (id: string, value: string) => {
    input(id).value = value;
    input(id).dispatchEvent(new Event('input'));
  };
  const submit = async () => {
    el.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await fixture.whenStable();
  };
  const errorText = () => el.querySelector('[role="alert"]')?.textContent?.trim() ?? '';
  const fieldErrors = () => [...el.querySelectorAll('mat-error')].map((e) => e.textContent?.trim());
  const failLogin = (status: number, message: string) =>
    backend
      .expectOne('/api/v1/auth/login')
      .flush({ code: status, status: 'Error', message }, { status, statusText: 'Error' });

  it('has labelled fields with sign-in autocomplete hints and focuses the user name', () => {
    const labels = [...el.querySelectorAll('mat-label')].map((l) => l.textContent?.trim());
    expect(labels).toEqual(['User name', 'Password']);
    expect(input('username').getAttribute('autocomplete')).toBe('username');
    expect(input('password').getAttribute('autocomplete')).toBe('current-password');
    expect(input('password').type).toBe('password');
    expect(document.activeElement).toBe(input('username'));
  });

  it('asks for both fields next to them and sends nothing while they are empty', async () => {
    await submit();

    backend.expectNone('/api/v1/auth/login');
    expect(fieldErrors()).toEqual(['Enter your user name.', 'Enter your password.']);
    expect(document.activeElement).toBe(input('username'));
  });

  it('signs in and goes back to the page the user wanted', async () => {
    const navigate = vi.spyOn(router, 'navigateByUrl');
    type('username', 'alice');
    type('password', 'correct horse');
    await submit();

    const req = backend.expectOne('/api/v1/auth/login');
    expect(req.request.body).toEqual({ username: 'alice', password: 'correct horse' });
    req.flush({ username: 'alice', role: 'admin' });
    await fixture.whenStable();

    expect(TestBed.inject(AuthService).user()?.username).toBe('alice');
    expect(navigate).toHaveBeenCalledWith('/training');
  });

  it('says the user name or password is wrong on 401 and clears the password', async () => {
    type('username', 'alice');
    type('password', 'wrong');
    await submit();
    failLogin(401, 'Wrong user name or password.');
    await fixture.whenStable();

    expect(errorText()).toContain('Wrong user name or password.');
    expect(input('password').value).toBe('');
    expect(document.activeElement).toBe(input('password'));
    expect(TestBed.inject(AuthService).isSignedIn()).toBe(false);
  });

  it('shows the lock-out message from the API on 429', async () => {
    type('username', 'alice');
    type('password', 'wrong again');
    await submit();
    failLogin(429, 'Too many failed sign-ins; try again in 15 minutes.');
    await fixture.whenStable();

    expect(errorText()).toContain('Too many failed sign-ins; try again in 15 minutes.');
  });

  it('shows and hides the password on request', async () => {
    const toggle = el.querySelector<HTMLButtonElement>('button[aria-label="Show password"]')!;
    toggle.click();
    await fixture.whenStable();

    expect(input('password').type).toBe('text');
    expect(toggle.getAttribute('aria-label')).toBe('Hide password');
  });
});
