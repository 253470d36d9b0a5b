import {
  Component,
  ElementRef,
  afterNextRender,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { Router } from '@angular/router';
import { asApiError } from '../api-error';
import { ErrorBannerComponent } from '../../shared/error-banner.component';
import { safeReturnUrl } from './auth.models';
import { AuthService } from './auth.service';

/** Staff sign-in at /login; goes back to ?returnUrl= (or Predict) afterwards. */
@Component({
  selector: 'app-login',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    ErrorBannerComponent,
  ],
  templateUrl: './login.component.html',
  styleUrl: './login.component.css',
})
export class LoginComponent {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly usernameInput =
    viewChild.required<ElementRef<HTMLInputElement>>('usernameInput');
  private readonly passwordInput =
    viewChild.required<ElementRef<HTMLInputElement>>('passwordInput');

  /** Query parameter ?returnUrl= (component input binding). */
  readonly returnUrl = input<string>();

  protected readonly form = new FormGroup({
    username: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
    password: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
  });
  protected readonly error = signal('');
  protected readonly signingIn = signal(false);
  protected readonly showPassword = signal(false);

  constructor() {
    afterNextRender(() => this.usernameInput().nativeElement.focus());
  }

  signIn(): void {
    this.error.set('');
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      const firstEmpty = this.form.controls.username.invalid
        ? this.usernameInput()
        : this.passwordInput();
      firstEmpty.nativeElement.focus();
      return;
    }
    this.signingIn.set(true);
    this.auth.login(this.form.getRawValue()).subscribe({
      next: () => {
        this.signingIn.set(false);
        this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
      },
      error: (error: unknown) => {
        this.signingIn.set(false);
        const apiError = asApiError(error);
        this.error.set(apiError.status === 401 ? 'Wrong user name or password.' : apiError.message);
        if (apiError.status === 401) {
          this.form.controls.password.reset();
          this.passwordInput().nativeElement.focus();
        }
      },
    });
  }

  togglePassword(): void {
    this.showPassword.update((shown) => !shown);
  }
}
