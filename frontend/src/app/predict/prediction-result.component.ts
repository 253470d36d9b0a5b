import { Component, computed, input } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import { FeatureSpec } from '../core/segmentation/segmentation.models';
import { isNumericKind } from '../shared/feature-format';
import { Profile } from '../shared/model.models';
import { CUSTOMER_COLOUR, segmentColour } from '../shared/palette';
import { ProfileChartComponent, ProfileSeries } from '../shared/profile-chart.component';
import { FeatureValues } from './predict.models';

export interface PredictionView {
  segmentId: number;
  name: string;
  strategy: string;
  features: FeatureSpec[];
  entered: FeatureValues;
  typical: Profile | null;
  /** The population's means (the chart's baseline when units differ). */
  baseline: Profile | null;
}

/** The predicted segment, its strategy, and the entered profile next to the typical one. */
@Component({
  selector: 'app-prediction-result',
  imports: [MatCardModule, ProfileChartComponent],
  template: `
    <mat-card appearance="outlined" class="result-card" data-testid="prediction-result">
      <mat-card-header>
        <div mat-card-avatar class="swatch" [style.background]="colour()" aria-hidden="true"></div>
        <mat-card-title class="segment-id">Segment ID {{ result().segmentId }}</mat-card-title>
        <mat-card-subtitle class="segment-name">{{ result().name }}</mat-card-subtitle>
      </mat-card-header>
      <mat-card-content>
        @if (result().strategy) {
          <h3 class="label">Recommended strategy</h3>
          <p class="strategy">{{ result().strategy }}</p>
        }
        @if (choices().length) {
          <h3 class="label">Entered categories</h3>
          <p class="choices">
            @for (choice of choices(); track choice.label) {
              <span>{{ choice.label }}: {{ choice.value }}</span>
            }
          </p>
        }
        @if (numeric().length) {
          <h3 class="label">Profile compared with the segment's typical customer</h3>
          <app-profile-chart
            [features]="numeric()"
            [series]="series()"
            [baseline]="result().baseline"
            [height]="300"
          />
        }
      </mat-card-content>
    </mat-card>
  `,
  styles: `
    .swatch {
      border-radius: 50%;
    }
    .segment-id {
      font-size: 1.5rem;
    }
    .result-card {
      --mat-card-subtitle-text-color: #1b1f24;
      --mat-card-subtitle-text-weight: 500;
    }
    .segment-name {
      font-size: 1.1rem;
    }
    .label {
      margin: 16px 0 4px;
      font-size: 0.85rem;
      font-weight: 500;
      color: var(--app-muted);
      text-transform: uppercase;
      letter-spacing: 0.04em;
    }
    .strategy {
      margin: 0;
      line-height: 1.5;
    }
    .choices {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 16px;
      margin: 0;
    }
  `,
})
export class PredictionResultComponent {
  readonly result = input.required<PredictionView>();

  protected readonly colour = computed(() => segmentColour(this.result().segmentId));
  protected readonly numeric = computed(() =>
    this.result().features.filter((f) => isNumericKind(f.kind)),
  );
  protected readonly choices = computed(() =>
    this.result()
      .features.filter((f) => !isNumericKind(f.kind))
      .map((f) => ({ label: f.label, value: String(this.result().entered[f.name]) })),
  );

  protected readonly series = computed<ProfileSeries[]>(() => {
    const r = this.result();
    const entered = Object.fromEntries(
      Object.entries(r.entered).filter((e): e is [string, number] => typeof e[1] === 'number'),
    );
    const series: ProfileSeries[] = [
      { label: 'This customer', values: entered, colour: CUSTOMER_COLOUR },
    ];
    if (r.typical) {
      series.push({
        label: `Typical ${r.name}`,
        values: r.typical,
        colour: segmentColour(r.segmentId),
      });
    }
    return series;
  });
}
