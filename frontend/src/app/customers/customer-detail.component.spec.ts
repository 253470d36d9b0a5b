import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { Role } from '../core/auth/auth.models';
import { signInAs } from '../core/auth/auth.testing';
import { errorInterceptor } from '../core/error.interceptor';
import { provideAppCharts } from '../shared/chart-setup';
import { provideDialogTesting } from '../shared/dialog.testing';
import { CustomerDetailComponent } from './customer-detail.component';
import { CUSTOMER } from './customer.fixture';
import { Customer } from './customer.models';

/** A customer loaded from the bank's file: text id, its own columns, two segmentations. */
const IMPORTED = {
  ...CUSTOMER,
  customer_id: 'C10001',
  age: null,
  spending: {},
  segment: null,
  attributes: { BALANCE: 1250.5, CHANNEL: 'online', TENURE: null },
  segments: [
    { segmentation: 'lifestyle', segment: null },
    { segmentation: 'cards', segment: { id: 4, name: 'Online revolvers', model_version: 2 } },
  ],
} as unknown as Customer;

describe('CustomerDetailComponent', () => {
  let fixture: ComponentFixture<CustomerDetailComponent>;
  let backend: HttpTestingController;
  let el: HTMLElement;

  async function open(id: string, customer: Customer, role?: Role): Promise<void> {
    TestBed.configureTestingModule({
      imports: [CustomerDetailComponent],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([errorInterceptor])),
        provideHttpClientTesting(),
        provideAppCharts(),
        provideDialogTesting(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    if (role) signInAs(role);
    fixture = TestBed.createComponent(CustomerDetailComponent);
    fixture.componentRef.setInput('id', id);
    el = fixture.nativeElement;
    fixture.detectChanges();
    backend.expectOne(`/api/v1/customers/${id}`).flush(customer);
    await settle();
  }

  /** Lets the answered resource resolve and render (whenStable would wait for the next request). */
  async function settle(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    fixture.detectChanges();
  }

  afterEach(() => backend.verify());

  it('shows imported attributes and the segment in each segmentation', async () => {
    await open('C10001', IMPORTED);

    expect(el.querySelector('h1')?.textContent).toContain('Customer C10001');
    const attributes = el.querySelector('[data-testid="imported-attributes"]')!;
    expect(attributes.querySelector('[data-attribute="CHANNEL"]')?.textContent?.trim()).toBe(
      'online',
    );
    expect(attributes.querySelector('[data-attribute="BALANCE"]')?.textContent?.trim()).toBe(
      '1250.5',
    );
    expect(attributes.querySelector('[data-attribute="TENURE"]')?.textContent?.trim()).toBe('—');
    const segments = el.querySelector('[data-testid="segments-by-segmentation"]')!;
    expect(segments.querySelector('[data-segmentation="cards"]')?.textContent).toContain(
      'Online revolvers',
    );
    expect(segments.querySelector('[data-segmentation="lifestyle"]')?.textContent).toContain(
      'not segmented',
    );
    // No built-in profile and no spending for an imported customer, and no explanation asked.
    expect(el.textContent).not.toContain('Loyalty score');
    expect(el.textContent).not.toContain('Monthly spending');
  });

  it('explains the segment of a segmented customer', async () => {
    await open('123', CUSTOMER);
    backend.expectOne('/api/v1/customers/123/explanation').flush({
      customer_id: '123',
      segment: CUSTOMER.segment,
      distance: 1,
      runner_up: null,
      drivers: [
        {
          feature: 'Travel',
          value: 300,
          segment_mean: 280,
          population_mean: 100,
          text: 'Travels a lot.',
        },
      ],
      summary: 'Spends on travel.',
    });
    await fixture.whenStable();

    expect(el.querySelector('[data-testid="current-segment"]')?.textContent).toContain(
      'Affluent Traveller',
    );
    expect(el.querySelector('.summary')?.textContent).toContain('Spends on travel.');
    expect(el.textContent).toContain('Loyalty score');
  });

  it('deletes the customer only after confirming, and shows a refusal', async () => {
    await open('C10001', IMPORTED, 'admin');
    const router = TestBed.inject(Router);
    vi.spyOn(router, 'navigate').mockResolvedValue(true);
    const button = (root: ParentNode, text: string) =>
      [...root.querySelectorAll('button')].find((b) => b.textContent?.includes(text))!;
    const dialog = () => document.querySelector<HTMLElement>('mat-dialog-container')!;

    button(el, 'Delete').click();
    await fixture.whenStable();
    button(dialog(), 'Cancel').click();
    await fixture.whenStable();
    backend.expectNone('/api/v1/customers/C10001');

    button(el, 'Delete').click();
    await fixture.whenStable();
    button(dialog(), 'Delete').click();
    await fixture.whenStable();
    const refused = backend.expectOne('/api/v1/customers/C10001');
    expect(refused.request.method).toBe('DELETE');
    refused.flush(
      { code: 409, status: 'Conflict', message: 'An import is writing this customer.' },
      { status: 409, statusText: 'Conflict' },
    );
    await settle();
    expect(el.querySelector('[role="alert"]')?.textContent).toContain(
      'An import is writing this customer.',
    );
    expect(router.navigate).not.toHaveBeenCalled();

    button(el, 'Delete').click();
    await fixture.whenStable();
    button(dialog(), 'Delete').click();
    await fixture.whenStable();
    backend
      .expectOne('/api/v1/customers/C10001')
      .flush(null, { status: 204, statusText: 'No Content' });
    await settle();
    expect(router.navigate).toHaveBeenCalledWith(['/customers']);
  });

  it('says so when there is no such customer', async () => {
    TestBed.configureTestingModule({
      imports: [CustomerDetailComponent],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([errorInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(CustomerDetailComponent);
    fixture.componentRef.setInput('id', 'NOPE');
    el = fixture.nativeElement;
    fixture.detectChanges();
    backend
      .expectOne('/api/v1/customers/NOPE')
      .flush(
        { code: 404, status: 'Not Found', message: 'No customer.' },
        { status: 404, statusText: 'Not Found' },
      );
    await fixture.whenStable();

    expect(el.querySelector('[role="alert"]')?.textContent).toContain(
      'There is no customer with ID NOPE.',
    );
  });
});
