import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { TrainingJob } from './training.models';
import { TrainingJobs } from './training-jobs.service';
import { job } from './training-job.fixture';

describe('TrainingJobs.watch', () => {
  let jobs: TrainingJobs;
  let backend: HttpTestingController;

  beforeEach(() => {
    vi.useFakeTimers();
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    jobs = TestBed.inject(TrainingJobs);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    backend.verify();
    vi.useRealTimers();
  });

  it('polls the job every second until it succeeds, then completes', () => {
    const seen: string[] = [];
    let completed = false;
    jobs.watch('lifestyle', job()).subscribe({
      next: (j) => seen.push(`${j.status}:${j.progress}`),
      complete: () => (completed = true),
    });

    backend.expectNone('/api/v1/segmentation/jobs/12');
    vi.advanceTimersByTime(1000);
    backend
      .expectOne('/api/v1/segmentation/jobs/12')
      .flush(job({ status: 'running', stage: 'fitting', progress: 40 }));
    vi.advanceTimersByTime(1000);
    backend
      .expectOne('/api/v1/segmentation/jobs/12')
      .flush(job({ status: 'succeeded', progress: 100, model_version: 4 }));

    expect(seen).toEqual(['running:40', 'succeeded:100']);
    expect(completed).toBe(true);
    vi.advanceTimersByTime(5000);
    backend.expectNone('/api/v1/segmentation/jobs/12');
  });

  it.each(['failed', 'rejected'] as const)('stops polling when the job is %s', (status) => {
    let last: TrainingJob | undefined;
    jobs.watch('lifestyle', job({ status: 'running' })).subscribe((j) => (last = j));
    vi.advanceTimersByTime(1000);
    backend.expectOne('/api/v1/segmentation/jobs/12').flush(job({ status, error: 'no good' }));
    vi.advanceTimersByTime(3000);
    backend.expectNone('/api/v1/segmentation/jobs/12');
    expect(last?.status).toBe(status);
  });

  it('does not poll a job that has already finished', () => {
    let emitted = 0;
    jobs.watch('lifestyle', job({ status: 'succeeded', progress: 100 })).subscribe(() => emitted++);
    vi.advanceTimersByTime(3000);
    backend.expectNone('/api/v1/segmentation/jobs/12');
    expect(emitted).toBe(1);
  });
});
