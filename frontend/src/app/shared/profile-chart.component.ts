import { Component, computed, input } from '@angular/core';
import { ChartConfiguration } from 'chart.js';
import { ChartFrameComponent } from './chart-frame.component';
import { FeatureSpec } from '../core/segmentation/segmentation.models';
import { commonUnit, isNumericKind } from './feature-format';
import { Profile } from './model.models';

export interface ProfileSeries {
  label: string;
  values: Record<string, number>;
  colour: string;
}

/**
 * Grouped bar chart of the numeric features, one series per profile. Features that share one
 * unit are drawn in it; features in different units (a credit limit next to a ratio) are drawn
 * as an index against `baseline` (100 = all customers), so no axis claims a unit it does not have.
 */
@Component({
  selector: 'app-profile-chart',
  imports: [ChartFrameComponent],
  template: `
    <app-chart-frame
      type="bar"
      [data]="data()"
      [options]="options()"
      [label]="ariaLabel()"
      [height]="height()"
    />
  `,
})
export class ProfileChartComponent {
  readonly features = input.required<FeatureSpec[]>();
  readonly series = input.required<ProfileSeries[]>();
  /** The population's means; used when the features have different units. */
  readonly baseline = input<Profile | null>(null);
  readonly height = input(280);
  readonly showLegend = input(true);

  private readonly numeric = computed(() => this.features().filter((f) => isNumericKind(f.kind)));
  private readonly unit = computed(() => commonUnit(this.numeric()));
  /** True when the bars are an index against the baseline rather than values in a unit. */
  protected readonly indexed = computed(() => this.unit() === undefined && !!this.baseline());

  protected readonly data = computed<ChartConfiguration<'bar'>['data']>(() => ({
    labels: this.numeric().map((f) => f.label),
    datasets: this.series().map((s) => ({
      label: s.label,
      data: this.numeric().map((f) => this.plotted(f.name, s.values[f.name])),
      backgroundColor: s.colour,
      borderRadius: 3,
      maxBarThickness: 28,
    })),
  }));

  protected readonly options = computed<ChartConfiguration<'bar'>['options']>(() => ({
    plugins: { legend: { display: this.showLegend(), position: 'bottom' } },
    scales: {
      x: { grid: { display: false }, ticks: { autoSkip: false, maxRotation: 45 } },
      y: { beginAtZero: true, title: { display: true, text: this.axisTitle() } },
    },
  }));

  protected readonly ariaLabel = computed(
    () =>
      `Bar chart comparing ${this.series()
        .map((s) => s.label)
        .join(' and ')} by feature (${this.axisTitle()})`,
  );

  private axisTitle(): string {
    if (this.indexed()) return 'Index (100 = all customers)';
    const unit = this.unit();
    return unit ? `Average (${unit})` : 'Average';
  }

  private plotted(feature: string, value: number | undefined): number | null {
    if (value === undefined || value === null) return null;
    if (!this.indexed()) return value;
    const base = this.baseline()?.[feature];
    return base ? (100 * value) / base : null;
  }
}
