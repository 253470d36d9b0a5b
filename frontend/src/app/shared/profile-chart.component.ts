import { Component, computed, input } from '@angular/core';
import { ChartConfiguration } from 'chart.js';
import { BaseChartDirective } from 'ng2-charts';
import { featureLabel } from './palette';

export interface ProfileSeries {
  label: string;
  values: Record<string, number>;
  colour: string;
}

/** Grouped bar chart of spending per feature, one series per profile. */
@Component({
  selector: 'app-profile-chart',
  imports: [BaseChartDirective],
  template: `
    <div class="chart" [style.height.px]="height()" role="img" [attr.aria-label]="ariaLabel()">
      <canvas baseChart type="bar" [data]="data()" [options]="options()"></canvas>
    </div>
  `,
  styles: `
    .chart {
      position: relative;
      width: 100%;
    }
  `,
})
export class ProfileChartComponent {
  readonly features = input.required<string[]>();
  readonly series = input.required<ProfileSeries[]>();
  readonly height = input(280);
  readonly showLegend = input(true);

  protected readonly data = computed<ChartConfiguration<'bar'>['data']>(() => ({
    labels: this.features().map(featureLabel),
    datasets: this.series().map((s) => ({
      label: s.label,
      data: this.features().map((f) => s.values[f] ?? 0),
      backgroundColor: s.colour,
      borderRadius: 3,
      maxBarThickness: 28,
    })),
  }));

  protected readonly options = computed<ChartConfiguration<'bar'>['options']>(() => ({
    plugins: { legend: { display: this.showLegend(), position: 'bottom' } },
    scales: {
      x: { grid: { display: false }, ticks: { autoSkip: false, maxRotation: 45 } },
      y: { beginAtZero: true, title: { display: true, text: 'Monthly spend' } },
    },
  }));

  protected readonly ariaLabel = computed(
    () =>
      `Bar chart comparing ${this.series()
        .map((s) => s.label)
        .join(' and ')} by category`,
  );
}
