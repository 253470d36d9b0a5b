import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { errorInterceptor } from '../core/error.interceptor';
import { provideAppCharts } from '../shared/chart-setup';
import { SegmentPredictorComponent } from './segment-predictor.component';

const MODEL = {
  version: 3,
  k: 2,
  features: ['Utilities', 'OnlineShopping', 'Travel'],
  metrics: {},
  k_curve: [],
};
const SEGMENTS = {
  model_version: 3,
  population_mean: { Utilities: 100, OnlineShopping: 100, Travel: 100 },
  segments: [
    {
      id: 1,
      name: 'Utilities Only',
      strategy: 'Offer budgeting tools.',
      size: 10,
      share: 0.5,
      profile: { Utilities: 400, OnlineShopping: 20, Travel: 5 },
    },
    {
      id: 2,
      name: 'Frequent Online Shopper',
      strategy: 'Offer a rewards card.',
      size: 10,
      share: 0.5,
      profile: { Utilities: 90, OnlineShopping: 420, Travel: 30 },
    },
  ],
};

describe('SegmentPredictorComponent', () => {
  let fixture: ComponentFixture<SegmentPredictorComponent>;
  let backend: HttpTestingController;
  let el: HTMLElement;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [SegmentPredictorComponent],
      providers: [
        provideHttpClient(withInterceptors([errorInterceptor])),
        provideHttpClientTesting(),
        provideAppCharts(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(SegmentPredictorComponent);
    el = fixture.nativeElement;
    backend.expectOne('/api/v1/segmentation/model').flush(MODEL);
    backend.expectOne('/api/v1/segmentation/segments').flush(SEGMENTS);
    await fixture.whenStable();
  });

  afterEach(() => backend.verify());

  const input = (feature: string) =>
    el.querySelector<HTMLInputElement>(`input[data-feature="${feature}"]`)!;
  const fieldOf = (feature: string) => input(feature).closest('mat-form-field')!;

  async function type(feature: string, value: string): Promise<void> {
    input(feature).value = value;
    input(feature).dispatchEvent(new Event('input'));
    input(feature).dispatchEvent(new Event('blur'));
    await fixture.whenStable();
  }

  async function submit(): Promise<void> {
    el.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await fixture.whenStable();
  }

  it('renders one labelled numeric input per model feature', () => {
    const inputs = el.querySelectorAll('input[data-feature]');
    expect([...inputs].map((i) => i.getAttribute('data-feature'))).toEqual(MODEL.features);
    const labels = [...el.querySelectorAll('mat-label')].map((l) => l.textContent?.trim());
    expect(labels).toEqual(['Utilities', 'Online shopping', 'Travel']);
  });

  it.each([
    ['', 'Utilities is required.'],
    ['abc', 'Utilities must be a number.'],
    ['-1', 'Utilities must be 0 or more.'],
  ])('shows "%s" as an error next to the field', async (value, message) => {
    await type('Utilities', value);
    expect(fieldOf('Utilities').querySelector('mat-error')?.textContent?.trim()).toBe(message);
  });

  it('does not call the API while the form is invalid', async () => {
    await type('Utilities', 'abc');
    await submit();
    backend.expectNone('/api/v1/segmentation/predict-segment');
    expect(fieldOf('Travel').querySelector('mat-error')?.textContent?.trim()).toBe(
      'Travel is required.',
    );
  });

  it('posts numbers and shows the segment id, name, strategy and chart', async () => {
    await type('Utilities', '90');
    await type('OnlineShopping', '410.5');
    await type('Travel', '25');
    await submit();

    const req = backend.expectOne('/api/v1/segmentation/predict-segment');
    expect(req.request.body).toEqual([{ Utilities: 90, OnlineShopping: 410.5, Travel: 25 }]);
    req.flush({
      predictions: [2],
      segments: [{ id: 2, name: 'Frequent Online Shopper', strategy: 'Offer a rewards card.' }],
      model_version: 3,
    });
    await fixture.whenStable();

    const result = el.querySelector('[data-testid="prediction-result"]')!;
    expect(result.querySelector('.segment-id')?.textContent?.trim()).toBe('Segment ID 2');
    expect(result.querySelector('.segment-name')?.textContent?.trim()).toBe(
      'Frequent Online Shopper',
    );
    expect(result.querySelector('.strategy')?.textContent?.trim()).toBe('Offer a rewards card.');
    expect(result.querySelector('canvas')).not.toBeNull();
  });

  it('places API field errors next to the matching field', async () => {
    await type('Utilities', '90');
    await type('OnlineShopping', '410');
    await type('Travel', '25');
    await submit();

    backend.expectOne('/api/v1/segmentation/predict-segment').flush(
      {
        code: 422,
        status: 'Unprocessable Entity',
        errors: { json: { '0': { Travel: ['Must be less than or equal to 100000.'] } } },
      },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await fixture.whenStable();

    expect(fieldOf('Travel').querySelector('mat-error')?.textContent?.trim()).toBe(
      'Must be less than or equal to 100000.',
    );
    expect(fieldOf('Utilities').querySelector('mat-error')).toBeNull();
    expect(el.querySelector('[data-testid="prediction-result"]')).toBeNull();
  });

  it('shows the unavailable message in plain words when the API is down', async () => {
    await type('Utilities', '1');
    await type('OnlineShopping', '2');
    await type('Travel', '3');
    await submit();
    backend
      .expectOne('/api/v1/segmentation/predict-segment')
      .flush(
        { code: 502, status: 'Bad Gateway', message: 'x' },
        { status: 502, statusText: 'Bad Gateway' },
      );
    await fixture.whenStable();

    expect(el.querySelector('[role="alert"]')?.textContent).toContain(
      'The segmentation service is unavailable. Please try again shortly.',
    );
  });
});
