import { Component, computed, inject } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import { MatSnackBar } from '@angular/material/snack-bar';
import { ApiError, asApiError } from '../core/api-error';
import { AuthService } from '../core/auth/auth.service';
import { SegmentationContext } from '../core/segmentation/segmentation-context.service';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { hasNoModel, modelLoadMessage } from '../shared/model-errors';
import { ModelApi } from '../shared/model-api.service';
import { JobsTableComponent } from './jobs-table.component';
import { KCurveChartComponent } from './k-curve-chart.component';
import { ModelMetricsComponent } from './model-metrics.component';
import { ModelsTableComponent } from './models-table.component';
import { NewSegmentationComponent } from './new-segmentation.component';
import { RetrainPanelComponent } from './retrain-panel.component';
import { TrainingApi } from './training-api.service';
import { isFinished } from './training-jobs.service';
import { ModelVersion, TrainingJob } from './training.models';

/**
 * The current segmentation's model quality, (re)training with live progress, job history and
 * model rollback; admins can also create a new segmentation from the customers' columns.
 */
@Component({
  selector: 'app-training-page',
  imports: [
    MatCardModule,
    ErrorBannerComponent,
    JobsTableComponent,
    KCurveChartComponent,
    ModelMetricsComponent,
    ModelsTableComponent,
    NewSegmentationComponent,
    RetrainPanelComponent,
  ],
  templateUrl: './training-page.component.html',
  styleUrl: './training-page.component.css',
})
export class TrainingPageComponent {
  /** The load error in words: no model yet (with `next`), or the server's own message. */
  protected modelMessage(error: ApiError, next: string): string {
    return modelLoadMessage(error, `No model is active for this segmentation yet. ${next}`);
  }

  private readonly snackBar = inject(MatSnackBar);
  protected readonly context = inject(SegmentationContext);
  protected readonly isAdmin = inject(AuthService).isAdmin;
  private readonly api = inject(TrainingApi);

  private readonly modelResource = inject(ModelApi).activeModelResource(this.context.current);
  private readonly jobsResource = this.api.jobsResource(this.context.current);
  private readonly modelsResource = this.api.modelsResource(this.context.current);

  protected readonly model = computed(() =>
    this.modelResource.hasValue() ? this.modelResource.value() : null,
  );
  protected readonly modelError = computed(() => {
    const error = this.modelResource.error();
    return error ? asApiError(error) : null;
  });
  protected readonly jobs = computed<TrainingJob[]>(() =>
    this.jobsResource.hasValue() ? (this.jobsResource.value()?.items ?? []) : [],
  );
  protected readonly models = computed<ModelVersion[]>(() =>
    this.modelsResource.hasValue() ? (this.modelsResource.value()?.items ?? []) : [],
  );
  protected readonly listError = computed(() => {
    const error = this.jobsResource.error() ?? this.modelsResource.error();
    return error ? asApiError(error) : null;
  });
  protected readonly runningJob = computed(() => this.jobs().find((j) => !isFinished(j)) ?? null);
  /** Until the model has loaded, assume one exists (the button says "Retrain", as always). */
  protected readonly hasModel = computed(() => !hasNoModel(this.modelError()));

  reload(): void {
    this.modelResource.reload();
    this.jobsResource.reload();
    this.modelsResource.reload();
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
}
