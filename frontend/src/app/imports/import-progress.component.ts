import { DecimalPipe } from '@angular/common';
import { Component, computed, input } from '@angular/core';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { rejectsUrl } from './import-api.service';
import { CustomerImport, hasRejects, isImportFinished } from './import.models';

/** One import: status, stage, a progress bar, the counts and a link to its rejected lines. */
@Component({
  selector: 'app-import-progress',
  imports: [DecimalPipe, MatProgressBarModule],
  template: `
    @let i = item();
    <section
      class="import"
      data-testid="import-progress"
      [attr.data-status]="i.status"
      aria-live="polite"
    >
      <div class="line">
        <span class="title">{{ i.filename }}</span>
        <span class="status status-{{ i.status }}">{{ i.status }}</span>
        @if (!finished()) {
          <span class="stage">{{ i.stage || 'waiting for a worker' }}</span>
        }
        <span class="pct num">{{ i.progress }}%</span>
      </div>
      <mat-progress-bar
        [mode]="i.status === 'queued' ? 'query' : 'determinate'"
        [value]="i.progress"
        [attr.aria-valuenow]="i.progress"
        aria-label="Import progress"
      />
      <dl class="counts">
        <div>
          <dt>Rows</dt>
          <dd class="num" data-count="rows_total">{{ i.rows_total ?? '—' }}</dd>
        </div>
        <div>
          <dt>New</dt>
          <dd class="num" data-count="imported">{{ i.imported | number }}</dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd class="num" data-count="updated">{{ i.updated | number }}</dd>
        </div>
        <div>
          <dt>Unchanged</dt>
          <dd class="num" data-count="unchanged">{{ i.unchanged | number }}</dd>
        </div>
        <div>
          <dt>Rejected</dt>
          <dd class="num" data-count="rejected">{{ i.rejected | number }}</dd>
        </div>
      </dl>
      @if (i.error) {
        <p class="error">Import failed: {{ i.error }}</p>
      }
      @if (rejects()) {
        <a class="rejects" [href]="rejectsUrl()" download>
          Download the {{ i.rejected | number }} rejected lines (rejects.csv)
        </a>
      }
    </section>
  `,
  styles: `
    .line {
      display: flex;
      align-items: baseline;
      gap: 12px;
      margin-bottom: 8px;
    }
    .title {
      font-weight: 500;
    }
    .stage {
      color: var(--app-muted);
    }
    .pct {
      margin-left: auto;
      font-weight: 500;
    }
    .status {
      padding: 2px 8px;
      border-radius: 10px;
      font-size: 0.8rem;
      background: #e7ebf0;
    }
    .status-succeeded {
      background: #dff3e4;
      color: #1b5e20;
    }
    .status-failed {
      background: #fdecea;
      color: #8a1c1c;
    }
    .counts {
      display: flex;
      gap: 24px;
      flex-wrap: wrap;
      margin: 12px 0;
    }
    dt {
      font-size: 0.75rem;
      color: var(--app-muted);
      text-transform: uppercase;
      letter-spacing: 0.04em;
    }
    dd {
      margin: 0;
      font-size: 1.2rem;
      font-weight: 500;
    }
    .error {
      color: #8a1c1c;
    }
  `,
})
export class ImportProgressComponent {
  readonly item = input.required<CustomerImport>();
  protected readonly rejectsUrl = computed(() => rejectsUrl(this.item().id));
  protected readonly finished = computed(() => isImportFinished(this.item()));
  protected readonly rejects = computed(() => hasRejects(this.item()));
}
