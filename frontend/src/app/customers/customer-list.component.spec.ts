import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { errorInterceptor } from '../core/error.interceptor';
import { CustomerListComponent } from './customer-list.component';
import { CUSTOMER } from './customer.fixture';

describe('CustomerListComponent', () => {
  let fixture: ComponentFixture<CustomerListComponent>;
  let backend: HttpTestingController;
  let el: HTMLElement;

  async function open(url: string): Promise<void> {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: 'customers', component: CustomerListComponent }]),
        provideHttpClient(withInterceptors([errorInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    await TestBed.inject(Router).navigateByUrl(url);
    fixture = TestBed.createComponent(CustomerListComponent);
    el = fixture.nativeElement;
    fixture.detectChanges();
  }

  async function answer(body: object, status = 200): Promise<void> {
    const req = backend.expectOne((r) => r.url === '/api/v1/customers');
    if (status === 200) req.flush(body);
    else req.flush(body, { status, statusText: 'Error' });
    await fixture.whenStable();
    fixture.detectChanges();
  }

  afterEach(() => backend.verify());

  it('loads the page the URL asks for and shows its customers', async () => {
    await open('/customers?q=travel&page=2&per_page=10');
    const req = backend.expectOne((r) => r.url === '/api/v1/customers');
    expect(req.request.params.get('q')).toBe('travel');
    expect(req.request.params.get('page')).toBe('2');
    expect(req.request.params.get('per_page')).toBe('10');
    req.flush({ items: [CUSTOMER], total: 11, page: 2, per_page: 10 });
    await fixture.whenStable();
    fixture.detectChanges();

    expect(el.querySelector('.id-link')?.textContent?.trim()).toBe(CUSTOMER.customer_id);
    expect((el.querySelector('input[placeholder]') as HTMLInputElement).value).toBe('travel');
  });

  it('shows a failure in the banner and loads again on "Try again"', async () => {
    await open('/customers');
    await answer({ code: 500, status: 'Internal Server Error', message: 'Boom (ref 1).' }, 500);
    expect(el.textContent).toContain('Boom (ref 1).');

    (el.querySelector('app-error-banner button') as HTMLButtonElement).click();
    fixture.detectChanges();
    await answer({ items: [CUSTOMER], total: 1, page: 1, per_page: 20 });
    expect(el.textContent).not.toContain('Boom (ref 1).');
    expect(el.querySelector('.id-link')?.textContent?.trim()).toBe(CUSTOMER.customer_id);
  });
});
