import { Component, DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';
import { catchError, of } from 'rxjs';
import { ApiError, asApiError } from '../core/api-error';
import { SegmentationApi } from '../core/segmentation-api.service';
import { ActiveModel, Segment } from '../core/segmentation.models';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { errorMessage, minNumber, numberValidator } from '../shared/number-validators';
import { featureLabel } from '../shared/palette';
import { PredictionResultComponent, PredictionView } from './prediction-result.component';

type ProfileForm = FormGroup<Record<string, FormControl<string>>>;

/** Home page: one input per model feature, "Get Segment", and the predicted segment. */
@Component({
  selector: 'app-segment-predictor',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressSpinnerModule,
    ErrorBannerComponent,
    PredictionResultComponent,
  ],
  templateUrl: './segment-predictor.component.html',
  styleUrl: './segment-predictor.component.css',
})
export class SegmentPredictorComponent {
  private readonly api = inject(SegmentationApi);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly model = signal<ActiveModel | null>(null);
  protected readonly loadError = signal<ApiError | null>(null);
  protected readonly submitError = signal<ApiError | null>(null);
  protected readonly submitting = signal(false);
  protected readonly result = signal<PredictionView | null>(null);
  protected readonly form = signal<ProfileForm>(new FormGroup({}));
  private segments: Segment[] = [];

  protected readonly label = featureLabel;

  constructor() {
    this.loadModel();
  }

  loadModel(): void {
    this.loadError.set(null);
    this.api
      .getActiveModel()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (model) => {
          this.model.set(model);
          this.form.set(buildProfileForm(model.features));
          this.loadSegments();
        },
        error: (error: unknown) => this.loadError.set(asApiError(error)),
      });
  }

  getSegment(): void {
    const form = this.form();
    this.submitError.set(null);
    if (form.invalid) {
      form.markAllAsTouched();
      return;
    }
    const features = this.model()?.features ?? [];
    const profile = Object.fromEntries(features.map((f) => [f, Number(form.controls[f].value)]));
    this.submitting.set(true);
    this.api
      .predictSegment(profile)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (response) => {
          this.submitting.set(false);
          const id = response.predictions[0];
          const ref = response.segments.find((s) => s.id === id);
          const detail = this.segments.find((s) => s.id === id);
          this.result.set({
            segmentId: id,
            name: ref?.name ?? detail?.name ?? `Segment ${id}`,
            strategy: ref?.strategy ?? detail?.strategy ?? '',
            features,
            entered: profile,
            typical: detail?.profile ?? null,
          });
        },
        error: (error: unknown) => {
          this.submitting.set(false);
          this.showApiError(asApiError(error));
        },
      });
  }

  errorFor(feature: string): string {
    return errorMessage(this.form().controls[feature], featureLabel(feature));
  }

  private showApiError(error: ApiError): void {
    const form = this.form();
    let placed = false;
    for (const feature of Object.keys(form.controls)) {
      const message = error.fieldMessage(`0.${feature}`) ?? error.fieldMessage(feature);
      if (message) {
        form.controls[feature].setErrors({ api: message });
        form.controls[feature].markAsTouched();
        placed = true;
      }
    }
    this.submitError.set(placed ? null : error);
  }

  private loadSegments(): void {
    this.api
      .getSegments()
      .pipe(
        catchError(() => of(null)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe((response) => (this.segments = response?.segments ?? []));
  }
}

export function buildProfileForm(features: string[]): ProfileForm {
  const controls: Record<string, FormControl<string>> = {};
  for (const feature of features) {
    controls[feature] = new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, numberValidator, minNumber(0)],
    });
  }
  return new FormGroup(controls);
}
