import { DatePipe } from '@angular/common';
import { Component, input } from '@angular/core';
import { MatTableModule } from '@angular/material/table';
import { TrainingJob } from './training.models';

/** Recent training jobs, newest first. */
@Component({
  selector: 'app-jobs-table',
  imports: [MatTableModule, DatePipe],
  template: `
    <div class="scroll">
      <table mat-table [dataSource]="jobs()" aria-label="Training jobs">
        <ng-container matColumnDef="id">
          <th mat-header-cell *matHeaderCellDef>Job</th>
          <td mat-cell *matCellDef="let j">#{{ j.id }}</td>
        </ng-container>
        <ng-container matColumnDef="status">
          <th mat-header-cell *matHeaderCellDef>Status</th>
          <td mat-cell *matCellDef="let j">
            <span class="status status-{{ j.status }}">{{ j.status }}</span>
          </td>
        </ng-container>
        <ng-container matColumnDef="k">
          <th mat-header-cell *matHeaderCellDef>Requested k</th>
          <td mat-cell *matCellDef="let j">{{ j.params?.k ?? 'auto' }}</td>
        </ng-container>
        <ng-container matColumnDef="created">
          <th mat-header-cell *matHeaderCellDef>Started</th>
          <td mat-cell *matCellDef="let j">{{ j.started_at ?? j.created_at | date: 'short' }}</td>
        </ng-container>
        <ng-container matColumnDef="duration">
          <th mat-header-cell *matHeaderCellDef>Duration</th>
          <td mat-cell *matCellDef="let j" class="num">{{ duration(j) }}</td>
        </ng-container>
        <ng-container matColumnDef="model">
          <th mat-header-cell *matHeaderCellDef>Model</th>
          <td mat-cell *matCellDef="let j">{{ j.model_version ? 'v' + j.model_version : '—' }}</td>
        </ng-container>
        <ng-container matColumnDef="detail">
          <th mat-header-cell *matHeaderCellDef>Detail</th>
          <td mat-cell *matCellDef="let j" class="detail">
            {{ j.error || (j.status === 'running' ? j.stage + ' (' + j.progress + '%)' : '') }}
          </td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns"></tr>
        <tr mat-row *matRowDef="let row; columns: columns"></tr>
        <tr class="mat-mdc-row" *matNoDataRow>
          <td class="mat-mdc-cell empty" [attr.colspan]="columns.length">No training jobs yet.</td>
        </tr>
      </table>
    </div>
  `,
  styleUrl: './training-tables.css',
})
export class JobsTableComponent {
  readonly jobs = input.required<TrainingJob[]>();
  protected readonly columns = ['id', 'status', 'k', 'created', 'duration', 'model', 'detail'];

  duration(job: TrainingJob): string {
    if (!job.started_at || !job.finished_at) return '—';
    const seconds = (Date.parse(job.finished_at) - Date.parse(job.started_at)) / 1000;
    return seconds < 60
      ? `${seconds.toFixed(1)} s`
      : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  }
}
