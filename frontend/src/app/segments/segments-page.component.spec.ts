import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { errorInterceptor } from '../core/error.interceptor';
import { SegmentationContext } from '../core/segmentation/segmentation-context.service';
import { provideAppCharts } from '../shared/chart-setup';
import { SegmentsPageComponent } from './segments-page.component';

const MODEL = {
  version: 2,
  k: 2,
  features: ['CREDIT_LIMIT', 'TENURE', 'CHANNEL'],
  feature_specs: [
    { name: 'CREDIT_LIMIT', kind: 'money', label: 'credit limit', unit: null },
    { name: 'TENURE', kind: 'count', label: 'tenure', unit: 'months' },
    {
      name: 'CHANNEL',
      kind: 'categorical',
      label: 'channel',
      unit: null,
      categories: ['branch', 'online'],
    },
  ],
  metrics: {},
  k_curve: [],
};
const SEGMENTS = {
  model_version: 2,
  segmentation: 'cards',
  population_mean: { CREDIT_LIMIT: 5000, TENURE: 10 },
  segments: [
    {
      id: 4,
      name: 'Online revolvers',
      strategy: '',
      size: 300,
      share: 0.6,
      profile: { CREDIT_LIMIT: 9000, TENURE: 11 },
      profile_detail: {
        CREDIT_LIMIT: { mean: 9000, median: 8500 },
        TENURE: { mean: 11, median: 12 },
        CHANNEL: { mode: 'online', shares: { online: 0.8, branch: 0.2 } },
      },
      rfm: null,
      previous_size: null,
    },
  ],
};

describe('SegmentsPageComponent', () => {
  let fixture: ComponentFixture<SegmentsPageComponent>;
  let backend: HttpTestingController;
  let el: HTMLElement;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [SegmentsPageComponent],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([errorInterceptor])),
        provideHttpClientTesting(),
        provideAppCharts(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    await TestBed.inject(SegmentationContext).select('cards');
    fixture = TestBed.createComponent(SegmentsPageComponent);
    el = fixture.nativeElement;
    fixture.detectChanges();
    backend.expectOne('/api/v1/segmentation/segments?segmentation=cards').flush(SEGMENTS);
    backend.expectOne('/api/v1/segmentation/model?segmentation=cards').flush(MODEL);
    backend.expectOne('/api/v1/segmentation/projection?segmentation=cards&sample=2000').flush({
      model_version: 2,
      points: [{ x: 0, y: 1, segment_id: 4 }],
      explained_variance: [0.5, 0.2],
    });
    await fixture.whenStable();
  });

  afterEach(() => backend.verify());

  it("describes each segment in that segmentation's own features", () => {
    const details = el.querySelector('app-segment-details')!;
    const rows = [...details.querySelectorAll('dt')].map((dt) => [
      dt.textContent?.trim(),
      dt.nextElementSibling?.textContent?.trim(),
    ]);
    expect(rows).toEqual([
      ['Credit limit', '€9,000 (median €8,500)'],
      ['Tenure', '11 months (median 12 months)'],
      ['Channel', 'online 80% · branch 20%'],
    ]);
  });

  it('draws features in different units as an index, never as monthly spend', () => {
    const chart = el.querySelector('app-segment-card [role="img"]')!;
    expect(chart.getAttribute('aria-label')).toContain('Index (100 = all customers)');
    expect(el.textContent).not.toContain('Monthly spend');
    expect(el.querySelector('app-projection-chart canvas')).not.toBeNull();
  });
});
