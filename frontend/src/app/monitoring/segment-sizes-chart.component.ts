import { Component, computed, input } from '@angular/core';
import { ChartConfiguration } from 'chart.js';
import { ChartFrameComponent } from '../shared/chart-frame.component';
import { segmentColour } from '../shared/palette';
import { VersionSizes } from './monitoring.models';

/** Customers per segment at training, one stacked bar per model version. */
@Component({
  selector: 'app-segment-sizes-chart',
  imports: [ChartFrameComponent],
  template: `
    <app-chart-frame
      type="bar"
      [data]="data()"
      [options]="options"
      label="Stacked bar chart of segment sizes for each model version"
      [height]="300"
    />
  `,
})
export class SegmentSizesChartComponent {
  readonly versions = input.required<VersionSizes[]>();

  protected readonly data = computed<ChartConfiguration<'bar'>['data']>(() => {
    const versions = this.versions();
    const segments = new Map<number, string>();
    for (const v of versions) for (const s of v.segments) segments.set(s.id, s.name);
    return {
      labels: versions.map((v) => `v${v.version}${v.is_active ? ' (active)' : ''}`),
      datasets: [...segments].map(([id, name]) => ({
        label: name,
        data: versions.map((v) => v.segments.find((s) => s.id === id)?.size ?? 0),
        backgroundColor: segmentColour(id),
      })),
    };
  });

  protected readonly options: ChartConfiguration<'bar'>['options'] = {
    plugins: { legend: { position: 'bottom' } },
    scales: {
      x: {
        stacked: true,
        title: { display: true, text: 'Model version' },
        grid: { display: false },
      },
      y: { stacked: true, title: { display: true, text: 'Customers' } },
    },
  };
}
