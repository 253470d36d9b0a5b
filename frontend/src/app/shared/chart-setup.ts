import {
  BarController,
  BarElement,
  CategoryScale,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
} from 'chart.js';
import { provideCharts } from 'ng2-charts';

/**
 * Registers only the Chart.js parts the app uses (keeps the bundle small) and turns
 * animation off everywhere: staff get an immediate picture, and screenshots taken by
 * automated browsers never catch a chart mid-animation.
 */
export function provideAppCharts() {
  return provideCharts({
    registerables: [
      BarController,
      BarElement,
      CategoryScale,
      LinearScale,
      LineController,
      LineElement,
      PointElement,
      ScatterController,
      Filler,
      Legend,
      Tooltip,
    ],
    defaults: {
      animation: false,
      maintainAspectRatio: false,
      responsive: true,
      font: { family: 'Roboto, "Helvetica Neue", sans-serif' },
    },
  });
}
