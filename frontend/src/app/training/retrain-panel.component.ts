import {
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Subscription } from 'rxjs';
import { ApiError, asApiError } from '../core/api-error';
import { AuthService } from '../core/auth/auth.service';
import { SegmentationContext } from '../core/segmentation/segmentation-context.service';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { applyApiErrors } from '../shared/form-errors';
import { mutation } from '../shared/mutation';
import { errorMessage, integerValidator } from '../shared/number-validators';
import { TrainingApi } from './training-api.service';
import { TrainingJobs, isFinished } from './training-jobs.service';
import { TrainingJob, TrainingParams } from './training.models';

/** "Retrain" with an optional k, then a live progress bar until the job finishes. */
@Component({
  selector: 'app-retrain-panel',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    ErrorBannerComponent,
  ],
  templateUrl: './retrain-panel.component.html',
  styleUrl: './retrain-panel.component.css',
})
export class RetrainPanelComponent {
  private readonly api = inject(TrainingApi);
  private readonly context = inject(SegmentationContext);
  private readonly jobs = inject(TrainingJobs);
  private readonly destroyRef = inject(DestroyRef);
  /** Only admins may start training; everyone can follow a running job. */
  protected readonly canTrain = inject(AuthService).isAdmin;

  /** A job already queued or running when the page opened; the panel follows it. */
  readonly runningJob = input<TrainingJob | null>(null);
  /** False when the segmentation has no model yet: the button then says "Train". */
  readonly hasModel = input(true);
  readonly finished = output<TrainingJob>();

  protected readonly job = signal<TrainingJob | null>(null);
  protected readonly start = mutation();
  /** Following the job failed (the start itself reports through `start.error`). */
  private readonly watchError = signal<ApiError | null>(null);
  protected readonly error = computed(() => this.start.error() ?? this.watchError());
  protected readonly k = new FormControl<number | null>(null, [
    Validators.min(2),
    Validators.max(50),
    integerValidator,
  ]);
  private watching?: Subscription;

  constructor() {
    effect(() => {
      const running = this.runningJob();
      if (running && !isFinished(running) && !this.watching) this.follow(running);
    });
    // Another segmentation: its jobs are not this one's; stop following and forget the last.
    let shownFor = this.context.current();
    effect(() => {
      const name = this.context.current();
      if (name === shownFor) return;
      shownFor = name;
      untracked(() => {
        this.watching?.unsubscribe();
        this.watching = undefined;
        this.job.set(null);
        this.start.clearError();
        this.watchError.set(null);
      });
    });
  }

  get active(): boolean {
    const job = this.job();
    return !!job && !isFinished(job);
  }

  /** " (silhouette 0.412)" when the finished job reports one. */
  qualityNote(job: TrainingJob): string {
    const silhouette = job.metrics?.silhouette;
    return typeof silhouette === 'number' ? ` (silhouette ${silhouette.toFixed(3)})` : '';
  }

  kError(): string {
    return errorMessage(this.k, 'Number of segments');
  }

  startTraining(): void {
    if (this.k.invalid) {
      this.k.markAsTouched();
      return;
    }
    const k = this.k.value;
    const params: TrainingParams = k === null || (k as unknown) === '' ? {} : { k: Number(k) };
    this.watchError.set(null);
    this.start.run(this.api.triggerTraining(this.context.current(), params), {
      done: (job) => this.follow(job),
      failed: (error) => {
        applyApiErrors(new FormGroup({ k: this.k }), error);
      },
    });
  }

  private follow(job: TrainingJob): void {
    this.watching?.unsubscribe();
    this.job.set(job);
    this.watching = this.jobs
      .watch(this.context.current(), job)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (current) => {
          this.job.set(current);
          if (isFinished(current)) this.finished.emit(current);
        },
        error: (error: unknown) => this.watchError.set(asApiError(error)),
        complete: () => (this.watching = undefined),
      });
  }
}
