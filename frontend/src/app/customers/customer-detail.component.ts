import { DatePipe, DecimalPipe, TitleCasePipe } from '@angular/common';
import { Component, computed, inject, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Router, RouterLink } from '@angular/router';
import { filter, switchMap } from 'rxjs';
import { ApiError, asApiError } from '../core/api-error';
import { AuthService } from '../core/auth/auth.service';
import { confirmAction } from '../shared/confirm-dialog.component';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { mutation } from '../shared/mutation';
import { fallbackSpecs } from '../shared/feature-format';
import { CUSTOMER_COLOUR, featureLabel, segmentColour } from '../shared/palette';
import { ProfileChartComponent, ProfileSeries } from '../shared/profile-chart.component';
import { CustomerApi } from './customer-api.service';
import { Customer, Explanation, GENDERS } from './customer.models';

/** One customer: attributes, spending, current and previous segment, and why. */
@Component({
  selector: 'app-customer-detail',
  imports: [
    DatePipe,
    DecimalPipe,
    TitleCasePipe,
    RouterLink,
    MatButtonModule,
    MatCardModule,
    MatIconModule,
    MatProgressSpinnerModule,
    ErrorBannerComponent,
    ProfileChartComponent,
  ],
  templateUrl: './customer-detail.component.html',
  styleUrl: './customer-detail.component.css',
})
export class CustomerDetailComponent {
  private readonly api = inject(CustomerApi);
  private readonly dialog = inject(MatDialog);
  private readonly router = inject(Router);
  private readonly snackBar = inject(MatSnackBar);
  protected readonly auth = inject(AuthService);

  /** Route parameter :id (component input binding). */
  readonly id = input.required<string>();

  private readonly customerResource = this.api.customerResource(this.id);
  /** Asked once the customer is known to have a segment (a failure just leaves it out). */
  private readonly explanationResource = this.api.explanationResource(() =>
    this.customer()?.segment ? this.id() : undefined,
  );
  protected readonly customer = computed<Customer | null>(() =>
    this.customerResource.hasValue() ? this.customerResource.value() : null,
  );
  protected readonly explanation = computed<Explanation | null>(() =>
    this.explanationResource.hasValue() ? this.explanationResource.value() : null,
  );
  private readonly deletion = mutation();
  protected readonly error = computed<ApiError | null>(() => {
    const error = this.customerResource.error();
    return error ? asApiError(error) : this.deletion.error();
  });
  protected readonly colour = segmentColour;
  protected readonly categories = computed(() =>
    fallbackSpecs(Object.keys(this.customer()?.spending ?? {})),
  );
  /** Imported columns as label/value pairs, in the order the API gave them. */
  protected readonly attributes = computed(() =>
    Object.entries(this.customer()?.attributes ?? {}).map(([name, value]) => ({
      name,
      value: value === null || value === '' ? '—' : String(value),
    })),
  );
  protected readonly spendingSeries = computed<ProfileSeries[]>(() => [
    { label: 'Monthly spending', values: this.customer()?.spending ?? {}, colour: CUSTOMER_COLOUR },
  ]);
  protected readonly label = featureLabel;

  genderLabel(value: string | null | undefined): string {
    return GENDERS.find((g) => g.value === value)?.label ?? value ?? '';
  }

  reload(): void {
    this.deletion.clearError();
    this.customerResource.reload();
  }

  deleteCustomer(): void {
    const customer = this.customer();
    if (!customer) return;
    const confirmed = confirmAction(this.dialog, {
      title: `Delete customer ${customer.customer_id}?`,
      message: 'The customer and their segment history are removed permanently.',
      confirmLabel: 'Delete',
      destructive: true,
    }).pipe(filter(Boolean));
    this.deletion.run(confirmed.pipe(switchMap(() => this.api.delete(customer.customer_id))), {
      done: () => {
        this.snackBar.open(`Customer ${customer.customer_id} deleted.`, 'OK', { duration: 5000 });
        this.router.navigate(['/customers']);
      },
    });
  }
}
