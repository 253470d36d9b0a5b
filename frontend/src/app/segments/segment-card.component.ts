import { DecimalPipe, PercentPipe } from '@angular/common';
import { Component, computed, inject, input, output, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { AuthService } from '../core/auth/auth.service';
import { SegmentationContext } from '../core/segmentation/segmentation-context.service';
import { FeatureSpec } from '../core/segmentation/segmentation.models';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { isNumericKind } from '../shared/feature-format';
import { applyApiErrors } from '../shared/form-errors';
import { Profile, Segment } from '../shared/model.models';
import { mutation } from '../shared/mutation';
import { segmentColour } from '../shared/palette';
import { ProfileChartComponent, ProfileSeries } from '../shared/profile-chart.component';
import { SegmentDetailsComponent } from './segment-details.component';
import { SegmentsApi } from './segments-api.service';
import { SegmentChanges } from './segments.models';

/** One segment: size, share, profile against the population, and an editable name/strategy. */
@Component({
  selector: 'app-segment-card',
  imports: [
    DecimalPipe,
    PercentPipe,
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    ErrorBannerComponent,
    ProfileChartComponent,
    SegmentDetailsComponent,
  ],
  templateUrl: './segment-card.component.html',
  styleUrl: './segment-card.component.css',
})
export class SegmentCardComponent {
  private readonly api = inject(SegmentsApi);
  private readonly context = inject(SegmentationContext);
  /** Analysts and admins rename segments and write strategies; viewers read them. */
  protected readonly canEdit = inject(AuthService).isAnalyst;

  readonly segment = input.required<Segment>();
  readonly features = input.required<FeatureSpec[]>();
  readonly populationMean = input<Profile>({});
  readonly saved = output<Segment>();

  protected readonly editing = signal(false);
  protected readonly save = mutation();
  protected readonly form = new FormGroup({
    name: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.maxLength(80)],
    }),
    strategy: new FormControl('', { nonNullable: true, validators: [Validators.maxLength(2000)] }),
  });

  protected readonly colour = computed(() => segmentColour(this.segment().id));
  /** A segmentation on categories only has nothing to draw as bars. */
  protected readonly hasNumeric = computed(() =>
    this.features().some((f) => isNumericKind(f.kind)),
  );
  protected readonly change = computed(() => {
    const { size, previous_size } = this.segment();
    return previous_size ? size - previous_size : null;
  });
  protected readonly series = computed<ProfileSeries[]>(() => [
    { label: this.segment().name, values: this.segment().profile, colour: this.colour() },
    { label: 'All customers', values: this.populationMean(), colour: '#b0bec5' },
  ]);

  startEdit(): void {
    const { name, strategy } = this.segment();
    this.form.reset({ name, strategy });
    this.save.clearError();
    this.editing.set(true);
  }

  cancelEdit(): void {
    this.editing.set(false);
  }

  saveSegment(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const changes: SegmentChanges = {};
    const { name, strategy } = this.form.getRawValue();
    if (name.trim() !== this.segment().name) changes.name = name.trim();
    if (strategy.trim() !== this.segment().strategy) changes.strategy = strategy.trim();
    if (!Object.keys(changes).length) {
      this.editing.set(false);
      return;
    }
    this.save.run(this.api.updateSegment(this.context.current(), this.segment().id, changes), {
      done: (segment) => {
        this.editing.set(false);
        this.saved.emit(segment);
      },
      failed: (error) => {
        applyApiErrors(this.form, error);
      },
    });
  }
}
