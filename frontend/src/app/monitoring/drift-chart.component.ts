import { Component, computed, input } from '@angular/core';
import { ChartConfiguration } from 'chart.js';
import { ChartFrameComponent } from '../shared/chart-frame.component';
import { featureLabel, segmentColour } from '../shared/palette';
import { DriftCheck } from './monitoring.models';

/** PSI of every feature (and of the segment shares) per drift check, with the threshold. */
@Component({
  selector: 'app-drift-chart',
  imports: [ChartFrameComponent],
  template: `
    <app-chart-frame
      type="line"
      [data]="data()"
      [options]="options"
      [label]="summary()"
      [height]="320"
    />
  `,
})
export class DriftChartComponent {
  readonly checks = input.required<DriftCheck[]>();
  readonly threshold = input.required<number>();

  protected readonly summary = computed(() => {
    const last = this.checks().at(-1);
    return last
      ? `Line chart of drift (PSI) per feature over ${this.checks().length} checks; ` +
          `latest largest PSI ${last.max_psi.toFixed(3)}, threshold ${this.threshold()}`
      : 'No drift checks yet';
  });

  protected readonly data = computed<ChartConfiguration<'line'>['data']>(() => {
    const checks = this.checks();
    const features = [...new Set(checks.flatMap((c) => c.features.map((f) => f.feature)))];
    const psiOf = (c: DriftCheck, feature: string) =>
      c.features.find((f) => f.feature === feature)?.psi ?? null;
    return {
      labels: checks.map((c) => new Date(c.checked_at).toLocaleString()),
      datasets: [
        ...features.map((feature, i) => ({
          label: featureLabel(feature),
          data: checks.map((c) => psiOf(c, feature)),
          borderColor: segmentColour(i),
          backgroundColor: segmentColour(i),
          pointRadius: 2,
          tension: 0.2,
        })),
        {
          label: 'Segment shares',
          data: checks.map((c) => c.segment_psi),
          borderColor: '#000000',
          backgroundColor: '#000000',
          borderWidth: 3,
          pointRadius: 2,
        },
        {
          label: 'Threshold',
          data: checks.map(() => this.threshold()),
          borderColor: '#e53935',
          backgroundColor: '#e53935',
          borderDash: [6, 4],
          pointRadius: 0,
        },
      ],
    };
  });

  protected readonly options: ChartConfiguration<'line'>['options'] = {
    interaction: { mode: 'index', intersect: false },
    plugins: {
      legend: { position: 'bottom', labels: { usePointStyle: true, pointStyle: 'line' } },
    },
    scales: {
      x: { title: { display: true, text: 'Drift check' }, grid: { display: false } },
      y: { beginAtZero: true, title: { display: true, text: 'PSI' } },
    },
  };
}
