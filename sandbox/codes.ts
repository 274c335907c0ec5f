// SEQR result codes (PROTOCOL.md §5). resultDescription is the constant name, as the real server
// answered; clients must only rely on resultCode.
export const RESULT_NAMES: Readonly<Record<number, string>> = {
  0: 'SUCCESS',
  1: 'PENDING_APPROVAL',
  2: 'REPORT_NOT_READY',
  10: 'REJECTED_BUSINESS_LOGIC',
  11: 'REJECTED_AMOUNT',
  12: 'REJECTED_PAYMENT',
  20: 'AUTHENTICATION_FAILED',
  21: 'ACCESS_DENIED',
  23: 'INVALID_ERS_REFERENCE',
  29: 'INVALID_INITIATOR_PRINCIPAL_ID',
  33: 'INVALID_INITIATOR_PRINCIPAL_STATE',
  37: 'INITIATOR_PRINCIPAL_NOT_FOUND',
  48: 'PAYMENT_IN_PROGRESS',
  49: 'INVALID_INVOICE_DATA',
  50: 'CANNOT_CANCEL_PAID_INVOICE',
  51: 'CANNOT_CANCEL_INVOICE_IN_PROGRESS',
  53: 'INVALID_SEQR_ID',
  54: 'INVALID_INVOICE_REFERENCE',
  56: 'REGISTRATION_NOT_POSSIBLE',
  57: 'REGISTRATION_PRINCIPAL_ALREADY_EXISTS',
  58: 'PAYMENT_EXPIRED',
  64: 'INVALID_NOTIFICATION_URL',
  90: 'SYSTEM_ERROR',
  91: 'UNSUPPORTED_OPERATION',
  93: 'SYSTEM_BUSY',
  94: 'SERVICE_UNAVAILABLE',
  95: 'INVOICE_ALREADY_CANCELED',
  96: 'INVOICE_STATE_NOT_RESERVED',
  97: 'RESELLER_NOT_ALLOWED_TO_DO_REFUND',
  98: 'SUM_OF_REFUNDS_CAN_NOT_BE_MORE_THAN_ORIGINAL_TRANSACTION',
  99: 'RECEIVER_ACCOUNT_DOES_NOT_ALLOW_REFUNDS',
};

export function resultName(code: number): string {
  return RESULT_NAMES[code] ?? `UNKNOWN ERSWSResultCode = ${code}`;
}

/** Codes the fault switch may inject (the transient/system ones of §5 plus a few business ones). */
export const INJECTABLE_CODES = [10, 11, 20, 21, 29, 33, 37, 48, 90, 91, 93, 94, 97, 99] as const;

export const OPERATIONS = [
  'sendInvoice',
  'updateInvoice',
  'getPaymentStatus',
  'cancelInvoice',
  'commitReservation',
  'submitPaymentReceipt',
  'refundPayment',
  'registerTerminal',
  'unregisterTerminal',
  'assignSeqrId',
  'markTransactionPeriod',
  'executeReport',
  // The wallet operations of SEQR's port type (§11): a merchant terminal may call them but is not
  // entitled to them, so they answer with a result code (soap-service.ts).
  'benchmarkingNop',
  'changePrincipalPassword',
  'confirmCustomerRegistration',
  'requestPrincipalInformation',
  'requestPurchase',
  'requestTopup',
  'requestTransfer',
] as const;
export type Operation = (typeof OPERATIONS)[number];

export function isOperation(name: string): name is Operation {
  return (OPERATIONS as readonly string[]).includes(name);
}
