import { Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';
import { MatSelectModule } from '@angular/material/select';
import { ApiError, asApiError } from '../core/api-error';
import { SegmentationContext } from '../core/segmentation/segmentation-context.service';
import { FeatureSpec } from '../core/segmentation/segmentation.models';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { modelLoadMessage } from '../shared/model-errors';
import { featureSpecsOf, unitPrefix, unitSuffix } from '../shared/feature-format';
import { applyApiErrors } from '../shared/form-errors';
import { ModelApi } from '../shared/model-api.service';
import { mutation } from '../shared/mutation';
import { errorMessage } from '../shared/number-validators';
import { FeatureForm, buildFeatureForm, featureValues } from './feature-form';
import { PredictApi } from './predict-api.service';
import { PredictionResultComponent, PredictionView } from './prediction-result.component';

/**
 * Home page: one field per feature of the active model of the current segmentation (a number
 * with its unit, or a select of the trained categories), "Get Segment", and the predicted segment.
 */
@Component({
  selector: 'app-segment-predictor',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressSpinnerModule,
    MatSelectModule,
    ErrorBannerComponent,
    PredictionResultComponent,
  ],
  templateUrl: './segment-predictor.component.html',
  styleUrl: './segment-predictor.component.css',
})
export class SegmentPredictorComponent {
  /** The load error in words: no model yet (with `next`), or the server's own message. */
  protected modelMessage(error: ApiError, next: string): string {
    return modelLoadMessage(error, `No model is active for this segmentation yet. ${next}`);
  }

  private readonly predictApi = inject(PredictApi);
  protected readonly context = inject(SegmentationContext);
  private readonly modelApi = inject(ModelApi);

  protected readonly modelResource = this.modelApi.activeModelResource(this.context.current);
  private readonly segmentsResource = this.modelApi.segmentsResource(this.context.current);

  protected readonly model = computed(() =>
    this.modelResource.hasValue() ? this.modelResource.value() : null,
  );
  protected readonly loadError = computed(() => {
    const error = this.modelResource.error();
    return error ? asApiError(error) : null;
  });
  protected readonly specs = computed<FeatureSpec[]>(() => {
    const model = this.model();
    return model ? featureSpecsOf(model) : [];
  });
  protected readonly form = computed<FeatureForm>(() => buildFeatureForm(this.specs()));
  protected readonly prediction = mutation();
  protected readonly result = signal<PredictionView | null>(null);

  protected readonly prefix = unitPrefix;
  protected readonly suffix = unitSuffix;

  constructor() {
    // A new model (another segmentation) makes the last answer meaningless.
    effect(() => {
      this.model();
      untracked(() => {
        this.result.set(null);
        this.prediction.clearError();
      });
    });
  }

  loadModel(): void {
    this.modelResource.reload();
  }

  getSegment(): void {
    const form = this.form();
    const specs = this.specs();
    this.prediction.clearError();
    if (form.invalid) {
      form.markAllAsTouched();
      return;
    }
    const values = featureValues(form, specs);
    this.prediction.run(this.predictApi.predictSegment(this.context.current(), values), {
      done: (response) => {
        const id = response.predictions[0];
        const ref = response.segments.find((s) => s.id === id);
        const segments = this.segmentsResource.hasValue() ? this.segmentsResource.value() : null;
        const detail = segments?.segments.find((s) => s.id === id);
        this.result.set({
          segmentId: id,
          name: ref?.name ?? detail?.name ?? `Segment ${id}`,
          strategy: ref?.strategy ?? detail?.strategy ?? '',
          features: specs,
          entered: values,
          typical: detail?.profile ?? null,
          baseline: segments?.population_mean ?? null,
        });
      },
      // predict-segment answers per row ("0.FIELD"); a field error needs no banner
      failed: (error) => applyApiErrors(form, error, { prefixes: ['0.'] }).placed,
    });
  }

  errorFor(spec: FeatureSpec): string {
    return errorMessage(this.form().controls[spec.name], spec.label);
  }
}
