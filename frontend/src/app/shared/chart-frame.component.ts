import { Component, input } from '@angular/core';
import { ChartData, ChartOptions, ChartType } from 'chart.js';
import { BaseChartDirective } from 'ng2-charts';

/**
 * The frame every chart of the app is drawn in: a sized box described to screen readers
 * (`label`) around one Chart.js canvas. The charts themselves only compute data and options.
 */
@Component({
  selector: 'app-chart-frame',
  imports: [BaseChartDirective],
  template: `
    <div class="chart" [style.height.px]="height()" role="img" [attr.aria-label]="label()">
      <canvas baseChart [type]="type()" [data]="data()" [options]="options()"></canvas>
    </div>
  `,
  styles: `
    .chart {
      position: relative;
      width: 100%;
    }
  `,
})
export class ChartFrameComponent {
  readonly type = input.required<ChartType>();
  readonly data = input.required<ChartData>();
  readonly options = input<ChartOptions | undefined>(undefined);
  readonly label = input.required<string>();
  readonly height = input(300);
}
