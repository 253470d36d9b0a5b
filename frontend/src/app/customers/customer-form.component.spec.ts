import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { errorInterceptor } from '../core/error.interceptor';
import { CustomerFormComponent } from './customer-form.component';
import { CUSTOMER } from './customer.fixture';

describe('CustomerFormComponent (edit)', () => {
  let fixture: ComponentFixture<CustomerFormComponent>;
  let backend: HttpTestingController;
  let el: HTMLElement;
  let router: Router;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [CustomerFormComponent],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([errorInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    router = TestBed.inject(Router);
    vi.spyOn(router, 'navigate').mockResolvedValue(true);
    fixture = TestBed.createComponent(CustomerFormComponent);
    fixture.componentRef.setInput('id', '123');
    el = fixture.nativeElement;
    fixture.detectChanges();
    backend.expectOne('/api/v1/customers/123').flush(CUSTOMER);
    await fixture.whenStable();
  });

  afterEach(() => backend.verify());

  const input = (selector: string) => el.querySelector<HTMLInputElement>(selector)!;

  async function change(selector: string, value: string): Promise<void> {
    input(selector).value = value;
    input(selector).dispatchEvent(new Event('input'));
    input(selector).dispatchEvent(new Event('blur'));
    await fixture.whenStable();
  }

  async function save(): Promise<void> {
    el.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await fixture.whenStable();
  }

  it('fills the form with the stored customer', () => {
    expect(input('#monthly_income').value).toBe('4200');
    expect(input('input[data-category="Travel"]').value).toBe('300');
  });

  it('PATCHes only the changed field and opens the customer', async () => {
    await change('#monthly_income', '4800.5');
    await save();

    const req = backend.expectOne('/api/v1/customers/123');
    expect(req.request.method).toBe('PATCH');
    expect(req.request.body).toEqual({ monthly_income: 4800.5 });
    req.flush({ ...CUSTOMER, monthly_income: 4800.5 });
    await fixture.whenStable();

    expect(router.navigate).toHaveBeenCalledWith(['/customers', '123']);
  });

  it('shows a validation message next to the field and sends nothing', async () => {
    await change('#monthly_income', '-10');
    await save();

    backend.expectNone('/api/v1/customers/123');
    const field = input('#monthly_income').closest('mat-form-field')!;
    expect(field.querySelector('mat-error')?.textContent?.trim()).toBe(
      'Monthly income must be 0 or more.',
    );
  });

  it('places nested API errors next to the spending field', async () => {
    await change('input[data-category="Travel"]', '999');
    await save();

    backend.expectOne('/api/v1/customers/123').flush(
      {
        code: 422,
        status: 'Unprocessable Entity',
        errors: { json: { spending: { Travel: ['Too high for this customer.'] } } },
      },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await fixture.whenStable();

    const field = input('input[data-category="Travel"]').closest('mat-form-field')!;
    expect(field.querySelector('mat-error')?.textContent?.trim()).toBe(
      'Too high for this customer.',
    );
    expect(router.navigate).not.toHaveBeenCalled();
  });
});
