import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { errorInterceptor } from '../core/error.interceptor';
import { provideAppCharts } from '../shared/chart-setup';
import { MonitoringPageComponent } from './monitoring-page.component';
import { OVERVIEW } from './monitoring.fixture';

const URL = '/api/v1/monitoring/overview?limit=100';

describe('MonitoringPageComponent', () => {
  let fixture: ComponentFixture<MonitoringPageComponent>;
  let backend: HttpTestingController;
  let el: HTMLElement;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [MonitoringPageComponent],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([errorInterceptor])),
        provideHttpClientTesting(),
        provideAppCharts(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(MonitoringPageComponent);
    el = fixture.nativeElement;
    fixture.detectChanges();
  });

  afterEach(() => backend.verify());

  async function load(body: object) {
    backend.expectOne(URL).flush(body);
    await fixture.whenStable();
    fixture.detectChanges();
  }

  it('plots drift over time and lists the latest checks first', async () => {
    await load(OVERVIEW);
    const chart = el.querySelector('app-drift-chart [role="img"]')!;
    expect(chart.getAttribute('aria-label')).toBe(
      'Line chart of drift (PSI) per feature over 2 checks; latest largest PSI 0.410, threshold 0.25',
    );
    const rows = [...el.querySelectorAll('[data-testid="drift-check"]')].map((r) =>
      [...r.querySelectorAll('td')].map((td) => td.textContent?.trim()),
    );
    expect(rows.map((r) => r.slice(1))).toEqual([
      ['schedule', 'v2', '4,000', '0.410', 'drifted'],
      ['schedule', 'v2', '4,000', '0.030', 'stable'],
    ]);
    expect(el.textContent).toContain('30 2 * * *');
  });

  it('shows segment sizes per version and the latest job outcomes', async () => {
    await load(OVERVIEW);
    expect(el.querySelector('app-segment-sizes-chart canvas')).not.toBeNull();
    const jobs = [...el.querySelectorAll('[data-testid="job-outcome"]')].map((r) =>
      [...r.querySelectorAll('td')].map((td) => td.textContent?.trim()),
    );
    expect(jobs).toEqual([
      ['#7', 'failed', 'drift', '1 min 15 s', '—'],
      ['#6', 'succeeded', 'api', '12.4 s', 'v2'],
    ]);
    expect(el.querySelector('[data-testid="job-outcome"] .status')?.getAttribute('title')).toBe(
      'OSError: disk full',
    );
  });

  it('says when no drift check has run yet, and when the schedule is off', async () => {
    await load({ ...OVERVIEW, items: [], schedule: null });
    expect(el.textContent).toContain(
      "No drift checks yet: the worker's scheduled check has not run.",
    );
    expect(el.textContent).toContain('The scheduled drift check is off');
    expect(el.querySelector('app-drift-chart')).toBeNull();
  });

  it('shows the error and loads again on Refresh', async () => {
    backend
      .expectOne(URL)
      .flush(
        { code: 500, status: 'x', message: 'The service failed.' },
        { status: 500, statusText: 'x' },
      );
    await fixture.whenStable();
    fixture.detectChanges();
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('The service failed.');
    const refresh = [...el.querySelectorAll('button')].find((b) =>
      b.textContent?.includes('Refresh'),
    )!;
    refresh.click();
    fixture.detectChanges();
    await load(OVERVIEW);
    expect(el.querySelector('[role="alert"]')).toBeNull();
    expect(el.querySelectorAll('[data-testid="drift-check"]').length).toBe(2);
  });
});
