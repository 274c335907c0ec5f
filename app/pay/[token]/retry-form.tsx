'use client';

import { useActionState } from 'react';
import { retryPaymentAction, type RetryState } from '../actions';

export function RetryForm({ token, labels }: { token: string; labels: { retry: string; retrying: string } }) {
  const [state, action, pending] = useActionState<RetryState, FormData>(retryPaymentAction, { message: null });
  return (
    <form action={action} className="retry">
      <input type="hidden" name="token" value={token} />
      <button type="submit" className="button-primary" disabled={pending}>{pending ? labels.retrying : labels.retry}</button>
      {state.message && <p role="alert" className="form-error">{state.message}</p>}
    </form>
  );
}
