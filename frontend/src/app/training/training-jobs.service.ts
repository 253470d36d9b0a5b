import { Injectable, inject } from '@angular/core';
import { Observable, exhaustMap, of, retry, takeWhile, timer } from 'rxjs';
import { TrainingApi } from './training-api.service';
import { TERMINAL_JOB_STATUSES, TrainingJob } from './training.models';

export function isFinished(job: TrainingJob): boolean {
  return TERMINAL_JOB_STATUSES.includes(job.status);
}

/** Follows a training job of a segmentation by polling it until it succeeds, fails or is rejected. */
@Injectable({ providedIn: 'root' })
export class TrainingJobs {
  private readonly api = inject(TrainingApi);

  /**
   * Emits the job every `intervalMs` and completes after emitting the finished job.
   * A few transient failures (a worker restart, a proxy hiccup) are retried.
   */
  watch(segmentation: string, job: TrainingJob, intervalMs = 1000): Observable<TrainingJob> {
    if (isFinished(job)) return of(job);
    return timer(intervalMs, intervalMs).pipe(
      exhaustMap(() =>
        this.api.getJob(segmentation, job.id).pipe(retry({ count: 3, delay: intervalMs })),
      ),
      takeWhile((current) => !isFinished(current), true),
    );
  }
}
