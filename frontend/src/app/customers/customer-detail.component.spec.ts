import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { errorInterceptor } from '../core/error.interceptor';
import { provideAppCharts } from '../shared/chart-setup';
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

  async function open(id: string, customer: Customer): Promise<void> {
    TestBed.configureTestingModule({
      imports: [CustomerDetailComponent],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([errorInterceptor])),
        provideHttpClientTesting(),
        provideAppCharts(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
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
