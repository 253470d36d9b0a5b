import { LiveAnnouncer } from '@angular/cdk/a11y';
import { DatePipe } from '@angular/common';
import { Component, ElementRef, computed, inject, signal, viewChild } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { filter, switchMap } from 'rxjs';
import { asApiError } from '../core/api-error';
import { ROLE_LABELS, Role } from '../core/auth/auth.models';
import { AuthService } from '../core/auth/auth.service';
import { confirmAction } from '../shared/confirm-dialog.component';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { AdminApi } from './admin-api.service';
import { ROLES, StaffUser, StaffUserChange } from './admin.models';
import { setUserPassword } from './set-password-dialog.component';
import { UserFormComponent } from './user-form.component';

/**
 * Staff accounts: add, change role, set a password, disable or enable, delete. The signed-in admin's own row
 * cannot be demoted, disabled or deleted here, so nobody locks themselves out by a click.
 */
@Component({
  selector: 'app-users-panel',
  imports: [
    DatePipe,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    ErrorBannerComponent,
    UserFormComponent,
  ],
  templateUrl: './users-panel.component.html',
  styleUrl: './admin-tables.css',
})
export class UsersPanelComponent {
  private readonly api = inject(AdminApi);
  private readonly dialog = inject(MatDialog);
  private readonly announcer = inject(LiveAnnouncer);
  private readonly me = inject(AuthService).user;
  private readonly title = viewChild.required<ElementRef<HTMLElement>>('title');

  protected readonly users = rxResource({ stream: () => this.api.listUsers() });
  protected readonly rows = computed(() => (this.users.hasValue() ? this.users.value() : []));
  protected readonly loadError = computed(() => {
    const error = this.users.error();
    return error ? asApiError(error).message : '';
  });
  protected readonly actionError = signal('');
  protected readonly busy = signal<number | null>(null);
  protected readonly roles = ROLES;
  protected readonly roleLabels = ROLE_LABELS;
  protected readonly columns = ['username', 'role', 'status', 'created', 'lastLogin', 'actions'];

  protected isMe(user: StaffUser): boolean {
    return user.username === this.me()?.username;
  }

  protected isLocked(user: StaffUser): boolean {
    return !!user.locked_until && new Date(user.locked_until).getTime() > Date.now();
  }

  addUser(user: StaffUser): void {
    this.actionError.set('');
    this.replace(user);
    this.announcer.announce(`User ${user.username} added.`);
  }

  changeRole(user: StaffUser, role: Role): void {
    this.update(user, { role }, `${user.username} is now ${ROLE_LABELS[role]}.`);
  }

  toggleDisabled(user: StaffUser): void {
    const disabled = !user.disabled;
    this.update(user, { disabled }, `${user.username} is ${disabled ? 'disabled' : 'enabled'}.`);
  }

  setPassword(user: StaffUser): void {
    this.actionError.set('');
    setUserPassword(this.dialog, user)
      .pipe(filter(Boolean))
      .subscribe(() => this.announcer.announce(`New password set for ${user.username}.`));
  }

  deleteUser(user: StaffUser): void {
    this.actionError.set('');
    confirmAction(this.dialog, {
      title: 'Delete user?',
      message: `${user.username} can no longer sign in and the account is removed. This cannot be undone.`,
      confirmLabel: 'Delete user',
      destructive: true,
    })
      .pipe(
        filter(Boolean),
        switchMap(() => {
          this.busy.set(user.id);
          return this.api.deleteUser(user.id);
        }),
      )
      .subscribe({
        next: () => {
          this.busy.set(null);
          this.edit((list) => list.filter((u) => u.id !== user.id));
          this.title().nativeElement.focus(); // the focused Delete button is gone with its row
          this.announcer.announce(`User ${user.username} deleted.`);
        },
        error: (error: unknown) => this.fail(error),
      });
  }

  private update(user: StaffUser, changes: StaffUserChange, done: string): void {
    this.actionError.set('');
    this.busy.set(user.id);
    this.api.updateUser(user.id, changes).subscribe({
      next: (updated) => {
        this.busy.set(null);
        this.replace(updated);
        this.announcer.announce(done);
      },
      error: (error: unknown) => {
        this.fail(error);
        this.replace({ ...user }); // puts the role select back to what the server has
      },
    });
  }

  private fail(error: unknown): void {
    this.busy.set(null);
    this.actionError.set(asApiError(error).message);
  }

  private replace(user: StaffUser): void {
    this.edit((list) =>
      list.some((u) => u.id === user.id)
        ? list.map((u) => (u.id === user.id ? user : u))
        : [...list, user].sort((a, b) => a.username.localeCompare(b.username)),
    );
  }

  /** Applies a change to the loaded list, or loads it again if it never loaded. */
  private edit(change: (list: StaffUser[]) => StaffUser[]): void {
    if (this.users.hasValue()) this.users.value.update(change);
    else this.users.reload();
  }
}
