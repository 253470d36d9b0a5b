import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Injector, runInInjectionContext, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MonitoringApi } from './monitoring-api.service';
import { OVERVIEW } from './monitoring.fixture';

describe('MonitoringApi', () => {
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => backend.verify());

  it('loads the overview of the current segmentation and again when it changes', async () => {
    const segmentation = signal('lifestyle');
    const resource = runInInjectionContext(TestBed.inject(Injector), () =>
      TestBed.inject(MonitoringApi).overviewResource(segmentation, 50),
    );
    TestBed.tick();
    backend.expectOne('/api/v1/monitoring/overview?limit=50').flush(OVERVIEW);
    await new Promise((resolve) => setTimeout(resolve));
    expect(resource.value()?.items.length).toBe(2);

    segmentation.set('cards');
    TestBed.tick();
    const req = backend.expectOne('/api/v1/monitoring/overview?limit=50&segmentation=cards');
    expect(req.request.method).toBe('GET');
    req.flush({ ...OVERVIEW, segmentation: 'cards', items: [] });
  });
});
