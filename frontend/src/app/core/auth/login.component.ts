import {
  Component,
  ElementRef,
  afterNextRender,
  computed,
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
import { ErrorBannerComponent } from '../../shared/error-banner.component';
import { mutation } from '../../shared/mutation';
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
  protected readonly login = mutation();
  protected readonly error = computed(() => {
    const error = this.login.error();
    if (!error) return '';
    return error.status === 401 ? 'Wrong user name or password.' : error.message;
  });
  protected readonly showPassword = signal(false);

  constructor() {
    afterNextRender(() => this.usernameInput().nativeElement.focus());
  }

  signIn(): void {
    this.login.clearError();
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      const firstEmpty = this.form.controls.username.invalid
        ? this.usernameInput()
        : this.passwordInput();
      firstEmpty.nativeElement.focus();
      return;
    }
    this.login.run(this.auth.login(this.form.getRawValue()), {
      done: () => this.router.navigateByUrl(safeReturnUrl(this.returnUrl())),
      failed: (error) => {
        if (error.status === 401) {
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
