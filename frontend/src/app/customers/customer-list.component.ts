import { DecimalPipe } from '@angular/common';
import { Component, computed, effect, inject, linkedSignal, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { ActivatedRoute, ParamMap, Router, RouterLink } from '@angular/router';
import { map } from 'rxjs';
import { asApiError } from '../core/api-error';
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

  private readonly query = toSignal(this.route.queryParamMap.pipe(map(toQuery)), {
    requireSync: true,
  });
  private readonly pageResource = this.api.listResource(this.query);
  /** The last page loaded: it stays on screen while the next one loads or if it fails. */
  protected readonly page = linkedSignal<CustomerPage | undefined, CustomerPage | null>({
    source: () => (this.pageResource.hasValue() ? this.pageResource.value() : undefined),
    computation: (page, previous) => page ?? previous?.value ?? null,
  });
  protected readonly loading = this.pageResource.isLoading;
  protected readonly error = computed(() => {
    const error = this.pageResource.error();
    return error ? asApiError(error) : null;
  });
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
    effect(() => this.search.setValue(this.query().q ?? ''));
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
    this.pageResource.reload();
  }

  private navigate(changes: Record<string, unknown>): void {
    this.router.navigate([], {
      relativeTo: this.route,
      queryParams: changes,
      queryParamsHandling: 'merge',
    });
  }
}

function toQuery(params: ParamMap): CustomerQuery {
  return {
    q: params.get('q') ?? '',
    segment_id: params.has('segment_id') ? Number(params.get('segment_id')) : null,
    page: Number(params.get('page') ?? 1) || 1,
    per_page: Number(params.get('per_page') ?? 20) || 20,
  };
}
