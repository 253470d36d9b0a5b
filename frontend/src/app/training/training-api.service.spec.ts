import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { TrainingApi } from './training-api.service';

describe('TrainingApi', () => {
  let api: TrainingApi;
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    api = TestBed.inject(TrainingApi);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => backend.verify());

  it('triggers training of lifestyle exactly as before: no segmentation parameter', () => {
    api.triggerTraining('lifestyle', { k: 6 }).subscribe();
    const req = backend.expectOne('/api/v1/segmentation/trigger-training');
    expect(req.request.body).toEqual({ k: 6 });
    req.flush({ id: 12, status: 'queued' }, { status: 202, statusText: 'Accepted' });
  });

  it('sends ?segmentation= on every call for another segmentation', () => {
    api.triggerTraining('cards').subscribe();
    backend
      .expectOne('/api/v1/segmentation/trigger-training?segmentation=cards')
      .flush({ id: 1, status: 'queued' });

    api.getJob('cards', 1).subscribe();
    backend.expectOne('/api/v1/segmentation/jobs/1?segmentation=cards').flush({ id: 1 });

    api.activateModel('cards', 2).subscribe();
    const activate = backend.expectOne('/api/v1/segmentation/models/2/activate?segmentation=cards');
    expect(activate.request.method).toBe('POST');
    activate.flush({ version: 2, is_active: true });
  });

  it('creates a segmentation with the given body', () => {
    const body = { name: 'cards', features: [{ name: 'BALANCE', kind: 'money' as const }] };
    api.createSegmentation(body).subscribe();
    const req = backend.expectOne('/api/v1/segmentations');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual(body);
    req.flush({ name: 'cards' }, { status: 201, statusText: 'Created' });
  });
});
