import { Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatCardModule } from '@angular/material/card';
import { MatSnackBar } from '@angular/material/snack-bar';
import { ApiError, asApiError } from '../core/api-error';
import { SegmentationApi } from '../core/segmentation-api.service';
import { ActiveModel, ModelVersion, TrainingJob } from '../core/segmentation.models';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { JobsTableComponent } from './jobs-table.component';
import { KCurveChartComponent } from './k-curve-chart.component';
import { ModelMetricsComponent } from './model-metrics.component';
import { ModelsTableComponent } from './models-table.component';
import { RetrainPanelComponent } from './retrain-panel.component';
import { isFinished } from './training-jobs.service';

/** Active model quality, retraining with live progress, job history and model rollback. */
@Component({
  selector: 'app-training-page',
  imports: [
    MatCardModule,
    ErrorBannerComponent,
    JobsTableComponent,
    KCurveChartComponent,
    ModelMetricsComponent,
    ModelsTableComponent,
    RetrainPanelComponent,
  ],
  templateUrl: './training-page.component.html',
  styleUrl: './training-page.component.css',
})
export class TrainingPageComponent {
  private readonly api = inject(SegmentationApi);
  private readonly snackBar = inject(MatSnackBar);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly model = signal<ActiveModel | null>(null);
  protected readonly modelError = signal<ApiError | null>(null);
  protected readonly jobs = signal<TrainingJob[]>([]);
  protected readonly models = signal<ModelVersion[]>([]);
  protected readonly listError = signal<ApiError | null>(null);
  protected readonly runningJob = computed(() => this.jobs().find((j) => !isFinished(j)) ?? null);

  constructor() {
    this.reload();
  }

  reload(): void {
    this.loadModel();
    this.loadHistory();
  }

  onTrainingFinished(job: TrainingJob): void {
    this.reload();
    if (job.status === 'succeeded') {
      this.snackBar.open(`Model version ${job.model_version} is trained.`, 'OK', {
        duration: 5000,
      });
    }
  }

  onActivated(model: ModelVersion): void {
    this.snackBar.open(`Model version ${model.version} is now active.`, 'OK', { duration: 5000 });
    this.reload();
  }

  private loadModel(): void {
    this.api
      .getActiveModel()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (model) => {
          this.model.set(model);
          this.modelError.set(null);
        },
        error: (error: unknown) => {
          this.model.set(null);
          this.modelError.set(asApiError(error));
        },
      });
  }

  private loadHistory(): void {
    this.listError.set(null);
    this.api
      .listJobs(20)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (jobs) => this.jobs.set(jobs),
        error: (error: unknown) => this.listError.set(asApiError(error)),
      });
    this.api
      .listModels()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (models) => this.models.set(models),
        error: (error: unknown) => this.listError.set(asApiError(error)),
      });
  }
}
