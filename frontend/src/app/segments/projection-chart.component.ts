import { Component, computed, input } from '@angular/core';
import { ChartConfiguration } from 'chart.js';
import { ChartFrameComponent } from '../shared/chart-frame.component';
import { Segment } from '../shared/model.models';
import { ProjectionPoint } from './segments.models';
import { segmentColour } from '../shared/palette';

/** Scatter plot of the projected sample, one coloured dataset per segment. */
@Component({
  selector: 'app-projection-chart',
  imports: [ChartFrameComponent],
  template: `
    <app-chart-frame
      type="scatter"
      [data]="data()"
      [options]="options"
      label="Scatter plot of customers coloured by segment"
      [height]="420"
    />
  `,
})
export class ProjectionChartComponent {
  readonly points = input.required<ProjectionPoint[]>();
  readonly segments = input.required<Segment[]>();

  protected readonly data = computed<ChartConfiguration<'scatter'>['data']>(() => {
    const names = new Map(this.segments().map((s) => [s.id, s.name]));
    const groups = new Map<number, { x: number; y: number }[]>();
    for (const p of this.points()) {
      const list = groups.get(p.segment_id) ?? [];
      list.push({ x: p.x, y: p.y });
      groups.set(p.segment_id, list);
    }
    const ids = [...groups.keys()].sort((a, b) => a - b);
    return {
      datasets: ids.map((id) => ({
        label: `${id} · ${names.get(id) ?? 'Segment ' + id}`,
        data: groups.get(id) ?? [],
        backgroundColor: segmentColour(id) + 'b3',
        borderColor: segmentColour(id),
        borderWidth: 0,
        pointRadius: 2.5,
        pointHoverRadius: 5,
      })),
    };
  });

  protected readonly options: ChartConfiguration<'scatter'>['options'] = {
    plugins: { legend: { position: 'right', labels: { usePointStyle: true, boxWidth: 8 } } },
    scales: {
      x: { title: { display: true, text: 'Component 1' }, grid: { color: '#eef1f5' } },
      y: { title: { display: true, text: 'Component 2' }, grid: { color: '#eef1f5' } },
    },
  };
}
