import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { errorInterceptor } from '../core/error.interceptor';
import { SegmentationContext } from '../core/segmentation/segmentation-context.service';
import { provideAppCharts } from '../shared/chart-setup';
import { SegmentPredictorComponent } from './segment-predictor.component';

/** Today's lifestyle model, as a server without feature specs answers. */
const LIFESTYLE_MODEL = {
  version: 3,
  k: 2,
  features: ['Utilities', 'OnlineShopping', 'Travel'],
  metrics: {},
  k_curve: [],
};
const LIFESTYLE_SEGMENTS = {
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

/** A card portfolio with a categorical feature, as the contract's model endpoint answers. */
const CARDS_MODEL = {
  version: 1,
  k: 3,
  segmentation: 'cards',
  features: ['BALANCE', 'CREDIT_LIMIT', 'CHANNEL'],
  feature_specs: [
    { name: 'BALANCE', kind: 'money', label: 'Balance', unit: 'EUR', signed: true },
    { name: 'CREDIT_LIMIT', kind: 'money', label: 'Credit limit', unit: 'EUR' },
    { name: 'TENURE', kind: 'count', label: 'Tenure', unit: 'months' },
    {
      name: 'CHANNEL',
      kind: 'categorical',
      label: 'Channel',
      unit: null,
      categories: ['branch', 'online'],
    },
  ],
  metrics: {},
  k_curve: [],
};

describe('SegmentPredictorComponent', () => {
  let fixture: ComponentFixture<SegmentPredictorComponent>;
  let backend: HttpTestingController;
  let el: HTMLElement;

  async function open(segmentation: string, model: object, segments: object): Promise<void> {
    TestBed.configureTestingModule({
      imports: [SegmentPredictorComponent],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([errorInterceptor])),
        provideHttpClientTesting(),
        provideAppCharts(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    await TestBed.inject(SegmentationContext).select(segmentation);
    fixture = TestBed.createComponent(SegmentPredictorComponent);
    el = fixture.nativeElement;
    fixture.detectChanges();
    const query = segmentation === 'lifestyle' ? '' : `?segmentation=${segmentation}`;
    backend.expectOne(`/api/v1/segmentation/model${query}`).flush(model);
    backend.expectOne(`/api/v1/segmentation/segments${query}`).flush(segments);
    await fixture.whenStable();
  }

  afterEach(() => backend.verify());

  const input = (feature: string) =>
    el.querySelector<HTMLInputElement>(`input[data-feature="${feature}"]`)!;
  const fieldOf = (feature: string) => el.querySelector(`mat-form-field[data-field="${feature}"]`)!;
  const errorOf = (feature: string) =>
    fieldOf(feature).querySelector('mat-error')?.textContent?.trim();

  async function type(feature: string, value: string): Promise<void> {
    input(feature).value = value;
    input(feature).dispatchEvent(new Event('input'));
    input(feature).dispatchEvent(new Event('blur'));
    await fixture.whenStable();
  }

  async function choose(feature: string, option: string): Promise<void> {
    fieldOf(feature).querySelector<HTMLElement>('.mat-mdc-select-trigger')!.click();
    await fixture.whenStable();
    const options = [...document.querySelectorAll<HTMLElement>('mat-option')];
    options.find((o) => o.textContent?.trim() === option)!.click();
    await fixture.whenStable();
  }

  async function submit(): Promise<void> {
    el.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await fixture.whenStable();
  }

  describe('lifestyle (the default, unchanged)', () => {
    beforeEach(() => open('lifestyle', LIFESTYLE_MODEL, LIFESTYLE_SEGMENTS));

    it('renders one labelled euro input per model feature', () => {
      const inputs = el.querySelectorAll('input[data-feature]');
      expect([...inputs].map((i) => i.getAttribute('data-feature'))).toEqual(
        LIFESTYLE_MODEL.features,
      );
      const labels = [...el.querySelectorAll('mat-label')].map((l) => l.textContent?.trim());
      expect(labels).toEqual(['Utilities', 'Online shopping', 'Travel']);
      expect(
        fieldOf('Travel').querySelector('.mat-mdc-form-field-text-prefix')?.textContent,
      ).toContain('€');
      expect(el.querySelector('mat-select')).toBeNull();
    });

    it.each([
      ['', 'Utilities is required.'],
      ['abc', 'Utilities must be a number.'],
      ['-1', 'Utilities must be 0 or more.'],
    ])('shows "%s" as an error next to the field', async (value, message) => {
      await type('Utilities', value);
      expect(errorOf('Utilities')).toBe(message);
    });

    it('does not call the API while the form is invalid', async () => {
      await type('Utilities', 'abc');
      await submit();
      backend.expectNone((r) => r.url === '/api/v1/segmentation/predict-segment');
      expect(errorOf('Travel')).toBe('Travel is required.');
    });

    it('posts numbers without a segmentation parameter and shows the segment', async () => {
      await type('Utilities', '90');
      await type('OnlineShopping', '410.5');
      await type('Travel', '25');
      await submit();

      const req = backend.expectOne('/api/v1/segmentation/predict-segment');
      expect(req.request.params.has('segmentation')).toBe(false);
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

      expect(errorOf('Travel')).toBe('Must be less than or equal to 100000.');
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

  describe('lifestyle from a server that sends feature specs', () => {
    beforeEach(() =>
      open(
        'lifestyle',
        {
          ...LIFESTYLE_MODEL,
          features: ['Dining'],
          feature_specs: [
            { name: 'Dining', kind: 'money', label: 'dining out', unit: 'per month' },
          ],
        },
        LIFESTYLE_SEGMENTS,
      ),
    );

    it('keeps the euro sign for money and shows the unit and label the server gives', () => {
      expect(el.querySelector('mat-label')?.textContent?.trim()).toBe('Dining out');
      const text = fieldOf('Dining').textContent ?? '';
      expect(text).toContain('€');
      expect(text).toContain('per month');
    });
  });

  describe('a segmentation with a categorical feature', () => {
    beforeEach(() =>
      open('cards', CARDS_MODEL, { model_version: 1, population_mean: {}, segments: [] }),
    );

    async function fillNumbers(): Promise<void> {
      await type('BALANCE', '1200');
      await type('CREDIT_LIMIT', '5000');
      await type('TENURE', '12');
    }

    it('builds the form from the feature specs: labels, units and a select of categories', async () => {
      const labels = [...el.querySelectorAll('mat-label')].map((l) => l.textContent?.trim());
      expect(labels).toEqual(['Balance', 'Credit limit', 'Tenure', 'Channel']);
      expect(fieldOf('CREDIT_LIMIT').textContent).toContain('€');
      expect(
        fieldOf('TENURE').querySelector('.mat-mdc-form-field-text-suffix')?.textContent,
      ).toContain('months');
      expect(input('CHANNEL')).toBeNull();
      expect(fieldOf('CHANNEL').querySelector('mat-select')).not.toBeNull();

      fieldOf('CHANNEL').querySelector<HTMLElement>('.mat-mdc-select-trigger')!.click();
      await fixture.whenStable();
      const options = [...document.querySelectorAll('mat-option')].map((o) =>
        o.textContent?.trim(),
      );
      expect(options).toEqual(['branch', 'online']);
    });

    it('checks each kind: a count must be whole, a category must be chosen', async () => {
      await type('TENURE', '1.5');
      await submit();
      backend.expectNone((r) => r.url.endsWith('/predict-segment'));
      expect(errorOf('TENURE')).toBe('Tenure must be a whole number.');
      expect(errorOf('CHANNEL')).toBe('Channel is required.');
    });

    it('takes a negative amount only for a signed feature (an overdrawn balance)', async () => {
      await type('BALANCE', '-250');
      await type('CREDIT_LIMIT', '-5');
      expect(fieldOf('BALANCE').querySelector('mat-error')).toBeNull();
      expect(errorOf('CREDIT_LIMIT')).toBe('Credit limit must be 0 or more.');
    });

    it('posts numbers and the chosen category to that segmentation', async () => {
      await fillNumbers();
      await choose('CHANNEL', 'online');
      await submit();

      const req = backend.expectOne('/api/v1/segmentation/predict-segment?segmentation=cards');
      expect(req.request.body).toEqual([
        { BALANCE: 1200, CREDIT_LIMIT: 5000, TENURE: 12, CHANNEL: 'online' },
      ]);
      req.flush({
        predictions: [1],
        segments: [{ id: 1, name: 'Online revolvers' }],
        model_version: 1,
      });
      await fixture.whenStable();

      const result = el.querySelector('[data-testid="prediction-result"]')!;
      expect(result.querySelector('.segment-name')?.textContent?.trim()).toBe('Online revolvers');
      expect(result.textContent).toContain('Channel: online');
    });

    it('shows a 422 about an unknown category next to the select, matching names in any case', async () => {
      await fillNumbers();
      await choose('CHANNEL', 'branch');
      await submit();

      backend.expectOne('/api/v1/segmentation/predict-segment?segmentation=cards').flush(
        {
          code: 422,
          status: 'Unprocessable Entity',
          errors: { json: { '0': { channel: ['Must be one of: branch, online.'] } } },
        },
        { status: 422, statusText: 'Unprocessable Entity' },
      );
      await fixture.whenStable();

      expect(errorOf('CHANNEL')).toBe('Must be one of: branch, online.');
      expect(fieldOf('BALANCE').querySelector('mat-error')).toBeNull();
      expect(el.querySelector('[role="alert"]')).toBeNull();
    });
  });
});
