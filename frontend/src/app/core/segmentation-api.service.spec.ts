import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { SegmentationApi } from './segmentation-api.service';
import { TrainingJob } from './segmentation.models';

describe('SegmentationApi', () => {
  let api: SegmentationApi;
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    api = TestBed.inject(SegmentationApi);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => backend.verify());

  it('fetches the active model', () => {
    let version = 0;
    api.getActiveModel().subscribe((m) => (version = m.version));
    const req = backend.expectOne('/api/v1/segmentation/model');
    expect(req.request.method).toBe('GET');
    req.flush({ version: 3, k: 5, features: ['Utilities'] });
    expect(version).toBe(3);
  });

  it('posts a one-element list to predict-segment', () => {
    let prediction: number | undefined;
    api
      .predictSegment({ Utilities: 500, Groceries: 320.5 })
      .subscribe((r) => (prediction = r.predictions[0]));
    const req = backend.expectOne('/api/v1/segmentation/predict-segment');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual([{ Utilities: 500, Groceries: 320.5 }]);
    req.flush({
      predictions: [1],
      segments: [{ id: 1, name: 'Utilities Only' }],
      model_version: 3,
    });
    expect(prediction).toBe(1);
  });

  it('asks for a projection sample of 2000 points', () => {
    api.getProjection(2000).subscribe();
    const req = backend.expectOne((r) => r.url === '/api/v1/segmentation/projection');
    expect(req.request.params.get('sample')).toBe('2000');
    req.flush({ model_version: 3, points: [], explained_variance: [] });
  });

  it('patches only the given segment fields', () => {
    api.updateSegment(2, { name: 'Savers' }).subscribe();
    const req = backend.expectOne('/api/v1/segmentation/segments/2');
    expect(req.request.method).toBe('PATCH');
    expect(req.request.body).toEqual({ name: 'Savers' });
    req.flush({ id: 2, name: 'Savers' });
  });

  it('triggers training with an optional k and reads job lists', () => {
    api.triggerTraining({ k: 6 }).subscribe();
    const trigger = backend.expectOne('/api/v1/segmentation/trigger-training');
    expect(trigger.request.body).toEqual({ k: 6 });
    trigger.flush({ id: 12, status: 'queued' }, { status: 202, statusText: 'Accepted' });

    let jobs: TrainingJob[] = [];
    api.listJobs(20).subscribe((items) => (jobs = items));
    const list = backend.expectOne((r) => r.url === '/api/v1/segmentation/jobs');
    expect(list.request.params.get('limit')).toBe('20');
    list.flush({ items: [{ id: 12, status: 'running' }] });
    expect(jobs.map((j) => j.id)).toEqual([12]);
  });

  it('activates a model version', () => {
    api.activateModel(2).subscribe();
    const req = backend.expectOne('/api/v1/segmentation/models/2/activate');
    expect(req.request.method).toBe('POST');
    req.flush({ version: 2, is_active: true });
  });
});
