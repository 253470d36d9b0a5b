import { DecimalPipe } from '@angular/common';
import { Component, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { catchError, map, of, switchMap, tap } from 'rxjs';
import { ApiError, asApiError } from '../core/api-error';
import { AuthService } from '../core/auth/auth.service';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { segmentColour } from '../shared/palette';
import { CustomerApi } from './customer-api.service';
import { CustomerPage, CustomerQuery } from './customer.models';

/** Search and page through customers; the query lives in the URL so "Back" keeps it. */
@Component({
  selector: 'app-customer-list',
  imports: [
    DecimalPipe,
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatTableModule,
    ErrorBannerComponent,
  ],
  templateUrl: './customer-list.component.html',
  styleUrl: './customer-list.component.css',
})
export class CustomerListComponent {
  private readonly api = inject(CustomerApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  protected readonly canEdit = inject(AuthService).isAnalyst;

  protected readonly page = signal<CustomerPage | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly search = new FormControl('', { nonNullable: true });
  protected readonly findId = new FormControl('', { nonNullable: true });
  protected readonly findError = signal('');
  protected readonly columns = [
    'customer_id',
    'age',
    'gender',
    'monthly_income',
    'account_balance',
    'segment',
  ];
  protected readonly colour = segmentColour;

  constructor() {
    this.route.queryParamMap
      .pipe(
        map((params): CustomerQuery => ({
          q: params.get('q') ?? '',
          segment_id: params.has('segment_id') ? Number(params.get('segment_id')) : null,
          page: Number(params.get('page') ?? 1) || 1,
          per_page: Number(params.get('per_page') ?? 20) || 20,
        })),
        tap((query) => {
          this.search.setValue(query.q ?? '');
          this.loading.set(true);
          this.error.set(null);
        }),
        switchMap((query) =>
          this.api.list(query).pipe(
            catchError((error: unknown) => {
              this.error.set(asApiError(error));
              return of(null);
            }),
          ),
        ),
        takeUntilDestroyed(),
      )
      .subscribe((page) => {
        this.loading.set(false);
        if (page) this.page.set(page);
      });
  }

  searchCustomers(): void {
    this.navigate({ q: this.search.value.trim() || null, page: null });
  }

  changePage(event: PageEvent): void {
    this.navigate({ page: event.pageIndex + 1, per_page: event.pageSize });
  }

  findCustomer(): void {
    const id = this.findId.value.trim();
    if (!id) {
      this.findError.set('Enter a customer ID, such as C10001.');
      return;
    }
    this.findError.set('');
    this.router.navigate(['/customers', id]);
  }

  retry(): void {
    this.router.navigate([], {
      queryParams: { ...this.route.snapshot.queryParams, _: Date.now() },
    });
  }

  private navigate(changes: Record<string, unknown>): void {
    this.router.navigate([], {
      relativeTo: this.route,
      queryParams: changes,
      queryParamsHandling: 'merge',
    });
  }
}
