import { Component, computed, input } from '@angular/core';
import { ChartConfiguration } from 'chart.js';
import { ChartFrameComponent } from '../shared/chart-frame.component';
import { KCurvePoint } from '../shared/model.models';

/** Silhouette (left axis) and inertia (right axis) for each candidate k. */
@Component({
  selector: 'app-k-curve-chart',
  imports: [ChartFrameComponent],
  template: `
    <app-chart-frame
      type="line"
      [data]="data()"
      [options]="options()"
      label="Line chart of silhouette and inertia for each number of segments"
      [height]="300"
    />
  `,
})
export class KCurveChartComponent {
  readonly curve = input.required<KCurvePoint[]>();
  readonly chosenK = input<number | null>(null);

  private readonly sorted = computed(() => [...this.curve()].sort((a, b) => a.k - b.k));

  protected readonly data = computed<ChartConfiguration<'line'>['data']>(() => {
    const points = this.sorted();
    const chosen = this.chosenK();
    return {
      labels: points.map((p) => String(p.k)),
      datasets: [
        {
          label: 'Silhouette (higher is better)',
          data: points.map((p) => p.silhouette),
          yAxisID: 'silhouette',
          borderColor: '#1f4e8c',
          backgroundColor: '#1f4e8c',
          pointRadius: points.map((p) => (p.k === chosen ? 7 : 3)),
          tension: 0.25,
        },
        {
          label: 'Inertia (elbow)',
          data: points.map((p) => p.inertia),
          yAxisID: 'inertia',
          borderColor: '#f5a623',
          backgroundColor: '#f5a623',
          borderDash: [6, 4],
          pointRadius: 3,
          tension: 0.25,
        },
      ],
    };
  });

  protected readonly options = computed<ChartConfiguration<'line'>['options']>(() => ({
    interaction: { mode: 'index', intersect: false },
    plugins: {
      legend: { position: 'bottom', labels: { usePointStyle: true, pointStyle: 'line' } },
    },
    scales: {
      x: { title: { display: true, text: 'Number of segments (k)' }, grid: { display: false } },
      silhouette: { position: 'left', title: { display: true, text: 'Silhouette' } },
      inertia: {
        position: 'right',
        title: { display: true, text: 'Inertia' },
        grid: { drawOnChartArea: false },
      },
    },
  }));
}
