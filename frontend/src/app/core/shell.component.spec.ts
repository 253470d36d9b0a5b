import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { signInAs } from './auth/auth.testing';
import { ShellComponent } from './shell.component';

@Component({ template: '' })
class StubPage {}

describe('ShellComponent', () => {
  let fixture: ComponentFixture<ShellComponent>;
  let backend: HttpTestingController;
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
    fixture = TestBed.createComponent(ShellComponent);
    el = fixture.nativeElement;
  });

  afterEach(() => backend.verify());

  const signOutButton = () =>
    [...el.querySelectorAll('button')].find((b) => b.textContent?.includes('Sign out'));

  it('hides the navigation and the account while signed out', async () => {
    await fixture.whenStable();

    expect(el.querySelector('nav')).toBeNull();
    expect(signOutButton()).toBeUndefined();
  });

  it('shows the user name, role and navigation when signed in', async () => {
    signInAs('analyst', 'alice');
    await fixture.whenStable();

    expect(el.querySelectorAll('nav a').length).toBe(4);
    expect(el.querySelector('nav a[href="/admin"]')).toBeNull();
    const user = el.querySelector('[data-testid="signed-in-user"]')?.textContent ?? '';
    expect(user).toContain('alice');
    expect(user).toContain('Analyst');
  });

  it('shows the Admin link to admins only', async () => {
    signInAs('admin', 'root');
    await fixture.whenStable();

    expect(el.querySelectorAll('nav a').length).toBe(5);
    expect(el.querySelector('nav a[href="/admin"]')?.textContent).toContain('Admin');
  });

  it('signs out and goes to the sign-in page', async () => {
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigate');
    signInAs('viewer');
    await fixture.whenStable();

    signOutButton()!.click();
    backend.expectOne('/api/v1/auth/logout').flush(null, { status: 204, statusText: 'No Content' });
    await fixture.whenStable();

    expect(navigate).toHaveBeenCalledWith(['/login']);
    expect(el.querySelector('nav')).toBeNull();
  });
});
