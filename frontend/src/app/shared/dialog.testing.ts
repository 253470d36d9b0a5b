import { InteractivityChecker } from '@angular/cdk/a11y';
import { Provider } from '@angular/core';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';

/**
 * Dialogs under jsdom: no animations to wait for, and every element counts as visible (jsdom
 * has no layout, so the focus trap would otherwise warn that nothing can take focus).
 */
export function provideDialogTesting(): Provider[] {
  return [
    { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
    {
      provide: InteractivityChecker,
      useValue: {
        isDisabled: (el: Element) => el.hasAttribute('disabled'),
        isVisible: () => true,
        isFocusable: (el: Element) => !el.hasAttribute('disabled'),
        isTabbable: (el: Element) => !el.hasAttribute('disabled'),
      },
    },
  ];
}
