import { Component, computed, input } from '@angular/core';
import { FeatureSpec } from '../core/segmentation/segmentation.models';
import { formatValue } from '../shared/feature-format';
import { Segment, isCategoricalDetail } from '../shared/model.models';

interface DetailRow {
  label: string;
  /** "€1,250 (median €900)" for numbers, "online 62% · branch 30%" for categories. */
  text: string;
}

/** Per feature: the members' mean and median, or the share of each category. */
@Component({
  selector: 'app-segment-details',
  template: `
    <dl class="details">
      @for (row of rows(); track row.label) {
        <dt>{{ row.label }}</dt>
        <dd class="num">{{ row.text }}</dd>
      }
    </dl>
  `,
  styles: `
    .details {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 2px 16px;
      margin: 8px 0 0;
      font-size: 0.9rem;
    }
    dt {
      color: var(--app-muted);
    }
    dd {
      margin: 0;
    }
  `,
})
export class SegmentDetailsComponent {
  readonly segment = input.required<Segment>();
  readonly features = input.required<FeatureSpec[]>();

  protected readonly rows = computed<DetailRow[]>(() => {
    const segment = this.segment();
    const details = segment.profile_detail ?? {};
    return this.features().map((spec) => {
      const detail = details[spec.name];
      if (isCategoricalDetail(detail)) {
        const shares = Object.entries(detail.shares)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 4)
          .map(([category, share]) => `${category} ${Math.round(share * 100)}%`);
        return { label: spec.label, text: shares.join(' · ') || '—' };
      }
      const mean = detail?.mean ?? segment.profile[spec.name];
      const median = detail?.median;
      const text =
        formatValue(mean, spec) +
        (median !== undefined && median !== null ? ` (median ${formatValue(median, spec)})` : '');
      return { label: spec.label, text };
    });
  });
}
