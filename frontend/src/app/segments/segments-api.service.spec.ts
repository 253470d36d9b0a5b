import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { SegmentsApi } from './segments-api.service';

describe('SegmentsApi', () => {
  let api: SegmentsApi;
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    api = TestBed.inject(SegmentsApi);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => backend.verify());

  it('patches only the given fields of a segment of the lifestyle segmentation', () => {
    api.updateSegment('lifestyle', 2, { name: 'Savers' }).subscribe();
    const req = backend.expectOne('/api/v1/segmentation/segments/2');
    expect(req.request.method).toBe('PATCH');
    expect(req.request.body).toEqual({ name: 'Savers' });
    req.flush({ id: 2, name: 'Savers' });
  });

  it('names another segmentation in the query', () => {
    api.updateSegment('cards', 1, { strategy: 'Offer a limit increase.' }).subscribe();
    backend
      .expectOne('/api/v1/segmentation/segments/1?segmentation=cards')
      .flush({ id: 1, name: 'Revolvers' });
  });
});
