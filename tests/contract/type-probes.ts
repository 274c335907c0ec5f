// Calls the generated types must refuse: each @ts-expect-error fails the contract's tsc run if the
// types stop binding (a loose `paths`, an `any`), so "the flow compiles" keeps meaning something.
import type { AppApi, PaymentState } from './app-flow';

export function typeProbes(api: AppApi, state: PaymentState): void {
  // @ts-expect-error: no such path in the document
  void api.GET('/basket');
  // @ts-expect-error: getCart needs its cartId
  void api.GET('/carts/{cartId}');
  // @ts-expect-error: a quantity is a number
  void api.POST('/carts/{cartId}/items', { params: { path: { cartId: 'x' } }, body: { slug: 'x', quantity: '2' } });
  // @ts-expect-error: createPayment needs the cartId
  void api.POST('/payments', { body: { returnUrl: 'nordvik://x' } });
  // @ts-expect-error: final is "true" or "false"
  void api.GET('/payments/{orderToken}', { params: { path: { orderToken: 'x' }, query: { final: true } } });
  // @ts-expect-error: a PaymentState has no such field
  void state.receipt;
  // @ts-expect-error: the attempt may be null
  void state.attempt.status;
}
