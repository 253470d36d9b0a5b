import { DatePipe, DecimalPipe } from '@angular/common';
import { Component, input } from '@angular/core';
import { ActiveModel } from '../shared/model.models';

/** Tiles with the active model's quality metrics and training facts. */
@Component({
  selector: 'app-model-metrics',
  imports: [DecimalPipe, DatePipe],
  template: `
    @let m = model();
    <dl class="tiles">
      <div class="tile">
        <dt>Segments (k)</dt>
        <dd class="num">{{ m.k }}</dd>
      </div>
      <div class="tile" title="From -1 to 1; higher means better separated segments">
        <dt>Silhouette</dt>
        <dd class="num">{{ m.metrics.silhouette | number: '1.3-3' }}</dd>
      </div>
      <div class="tile" title="Lower is better">
        <dt>Davies-Bouldin</dt>
        <dd class="num">{{ m.metrics.davies_bouldin | number: '1.3-3' }}</dd>
      </div>
      <div class="tile" title="Higher is better">
        <dt>Calinski-Harabasz</dt>
        <dd class="num">{{ m.metrics.calinski_harabasz | number: '1.0-0' }}</dd>
      </div>
      <div class="tile">
        <dt>Training rows</dt>
        <dd class="num">{{ m.n_train_rows | number }}</dd>
      </div>
      <div class="tile">
        <dt>Training time</dt>
        <dd class="num">{{ m.training_seconds | number: '1.1-1' }} s</dd>
      </div>
    </dl>
    <p class="muted meta">
      Version {{ m.version }} · trained {{ m.created_at | date: 'medium' }}
      @if (m.activated_at) {
        · active since {{ m.activated_at | date: 'medium' }}
      }
    </p>
  `,
  styles: `
    .tiles {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(150px, 1fr));
      gap: 12px;
      margin: 0;
    }
    .tile {
      background: #f4f7fb;
      border: 1px solid #e1e7ef;
      border-radius: 8px;
      padding: 12px 16px;
    }
    dt {
      font-size: 0.75rem;
      text-transform: uppercase;
      letter-spacing: 0.04em;
      color: var(--app-muted);
    }
    dd {
      margin: 4px 0 0;
      font-size: 1.5rem;
      font-weight: 500;
      color: var(--app-brand);
    }
    .meta {
      margin: 12px 0 0;
      font-size: 0.9rem;
    }
  `,
})
export class ModelMetricsComponent {
  readonly model = input.required<ActiveModel>();
}
