// The loading, empty and error states every page uses, so they look and read the same everywhere.

import type { ReactNode } from 'react';
import { ApiRequestError } from '../api.ts';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {what}…
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {children ? <div className="muted">{children}</div> : null}
    </div>
  );
}

/** What went wrong and what to do next; the code is shown so support can be told it. */
export function ErrorState({ error, retry, title }: { error: Error; retry?: () => void; title?: string }) {
  const code = error instanceof ApiRequestError ? error.code : null;
  return (
    <div className="state state-error" role="alert">
      <p className="state-title">{title ?? 'Something went wrong'}</p>
      <p>
        {error.message}
        {code ? <code className="error-code">{code}</code> : null}
      </p>
      {retry ? (
        <button type="button" className="button secondary" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** An inline error under a form or button. */
export function InlineError({ error }: { error: Error | null | undefined }) {
  if (!error) return null;
  const code = error instanceof ApiRequestError ? error.code : null;
  return (
    <p className="inline-error" role="alert">
      {error.message}
      {code ? <code className="error-code">{code}</code> : null}
    </p>
  );
}
