// SEQR result codes (PROTOCOL.md §5): the constant name SEQR sends as resultDescription, and a
// sentence a merchant or shopper can act on. Clients decide on the code, never on the text.

export type ResultCodeInfo = {
  name: string;
  sentence: string;
  /** Worth trying again later with the same request (busy/unavailable backends). */
  retryable?: true;
  /** Our configuration (terminal id or password) is wrong: alert, do not retry. */
  configuration?: true;
};

export const RESULT_CODES: Readonly<Record<number, ResultCodeInfo>> = {
  0: { name: 'SUCCESS', sentence: 'The request was processed.' },
  1: { name: 'PENDING_APPROVAL', sentence: 'The request was accepted and waits for approval.' },
  2: { name: 'REPORT_NOT_READY', sentence: 'The report is not ready yet; ask again in a few seconds.', retryable: true },
  10: { name: 'REJECTED_BUSINESS_LOGIC', sentence: 'SEQR rejected the request by a business rule.' },
  11: { name: 'REJECTED_AMOUNT', sentence: 'SEQR did not accept the amount.' },
  12: { name: 'REJECTED_PAYMENT', sentence: 'SEQR rejected the payment.' },
  13: { name: 'REJECTED_TOPUP', sentence: 'SEQR rejected the top-up.' },
  20: { name: 'AUTHENTICATION_FAILED', sentence: 'SEQR refused the terminal password.', configuration: true },
  21: { name: 'ACCESS_DENIED', sentence: 'SEQR denied access to this terminal (its password is too short).', configuration: true },
  22: { name: 'INVALID_NEW_PASSWORD', sentence: 'The new password is not valid.' },
  23: { name: 'INVALID_ERS_REFERENCE', sentence: 'SEQR does not know this payment reference.' },
  29: { name: 'INVALID_INITIATOR_PRINCIPAL_ID', sentence: 'SEQR does not know this terminal id.', configuration: true },
  30: { name: 'INVALID_RECEIVER_PRINCIPAL_ID', sentence: 'The receiver is not valid.' },
  31: { name: 'INVALID_SENDER_PRINCIPAL_ID', sentence: 'The sender is not valid.' },
  32: { name: 'INVALID_TOPUP_PRINCIPAL_ID', sentence: 'The top-up receiver is not valid.' },
  33: { name: 'INVALID_INITIATOR_PRINCIPAL_STATE', sentence: 'The terminal is not in a state that allows this request (blocked or unregistered).', configuration: true },
  34: { name: 'INVALID_RECEIVER_PRINCIPAL_STATE', sentence: 'The receiver is not in a valid state.' },
  35: { name: 'INVALID_SENDER_PRINCIPAL_STATE', sentence: 'The sender is not in a valid state.' },
  36: { name: 'INVALID_TOPUP_PRINCIPAL_STATE', sentence: 'The top-up receiver is not in a valid state.' },
  37: { name: 'INITIATOR_PRINCIPAL_NOT_FOUND', sentence: 'SEQR does not know this reseller user.', configuration: true },
  38: { name: 'RECEIVER_PRINCIPAL_NOT_FOUND', sentence: 'The receiver was not found.' },
  39: { name: 'SENDER_PRINCIPAL_NOT_FOUND', sentence: 'The sender was not found.' },
  40: { name: 'TOPUP_PRINCIPAL_NOT_FOUND', sentence: 'The top-up receiver was not found.' },
  41: { name: 'INVALID_PRODUCT', sentence: 'The product is not valid.' },
  42: { name: 'INVALID_RECEIVER_ACCOUNT_TYPE', sentence: 'The receiver account type is not valid.' },
  43: { name: 'INVALID_SENDER_ACCOUNT_TYPE', sentence: 'The sender account type is not valid.' },
  44: { name: 'INVALID_TOPUP_ACCOUNT_TYPE', sentence: 'The top-up account type is not valid.' },
  45: { name: 'RECEIVER_ACCOUNT_NOT_FOUND', sentence: 'The receiver account was not found.' },
  46: { name: 'SENDER_ACCOUNT_NOT_FOUND', sentence: 'The sender account was not found.' },
  47: { name: 'TOPUP_ACCOUNT_NOT_FOUND', sentence: 'The top-up account was not found.' },
  48: { name: 'PAYMENT_IN_PROGRESS', sentence: 'The customer is paying right now; try again in a moment.' },
  49: { name: 'INVALID_INVOICE_DATA', sentence: 'SEQR found the invoice data invalid (amount, currency or rows).' },
  50: { name: 'CANNOT_CANCEL_PAID_INVOICE', sentence: 'The invoice is already paid, so it cannot be cancelled.' },
  51: { name: 'CANNOT_CANCEL_INVOICE_IN_PROGRESS', sentence: 'The customer is paying right now, so the invoice cannot be cancelled yet.' },
  52: { name: 'INVALID_CUSTOMER', sentence: 'The customer is not valid.' },
  53: { name: 'INVALID_SEQR_ID', sentence: 'The SEQR id is not alphanumeric or is used by another terminal.' },
  54: { name: 'INVALID_INVOICE_REFERENCE', sentence: 'SEQR does not know this invoice reference for this terminal.' },
  55: { name: 'PAYMENT_ALREADY_CANCELLED', sentence: 'The payment was already cancelled.' },
  56: { name: 'REGISTRATION_NOT_POSSIBLE', sentence: 'The terminal cannot be registered.' },
  57: { name: 'REGISTRATION_PRINCIPAL_ALREADY_EXISTS', sentence: 'A terminal with this id is already registered.' },
  58: { name: 'PAYMENT_EXPIRED', sentence: 'The invoice expired before it was paid.' },
  60: { name: 'AUTHORIZATION_EXPIRED', sentence: 'The authorization expired.' },
  61: { name: 'AUTHORIZATION_CANCELLED', sentence: 'The authorization was cancelled.' },
  62: { name: 'AUTHORIZATION_IN_PROGRESS', sentence: 'The authorization is in progress.' },
  63: { name: 'INVALID_AUTHORIZATION_REFERENCE', sentence: 'The authorization reference is not valid.' },
  64: { name: 'INVALID_NOTIFICATION_URL', sentence: 'SEQR refused the notification URL (it must be an absolute http(s) URL).' },
  90: { name: 'SYSTEM_ERROR', sentence: 'SEQR had an internal error; try again later.', retryable: true },
  91: { name: 'UNSUPPORTED_OPERATION', sentence: 'SEQR does not support this operation here.' },
  92: { name: 'LICENSE_REJECTION', sentence: 'SEQR rejected the request for licensing reasons.' },
  93: { name: 'SYSTEM_BUSY', sentence: 'SEQR is busy; try again in a moment.', retryable: true },
  94: { name: 'SERVICE_UNAVAILABLE', sentence: 'A service SEQR depends on (such as the bank) is unavailable; try again later.', retryable: true },
  95: { name: 'INVOICE_ALREADY_CANCELED', sentence: 'The invoice was already cancelled.' },
  96: { name: 'INVOICE_STATE_NOT_RESERVED', sentence: 'The invoice is not reserved, so there is nothing to commit.' },
  97: { name: 'RESELLER_NOT_ALLOWED_TO_DO_REFUND', sentence: 'Refunds are not enabled for this merchant at SEQR.' },
  98: { name: 'SUM_OF_REFUNDS_CAN_NOT_BE_MORE_THAN_ORIGINAL_TRANSACTION', sentence: 'The refunds would add up to more than the original payment.' },
  99: { name: 'RECEIVER_ACCOUNT_DOES_NOT_ALLOW_REFUNDS', sentence: "The customer's bank account does not accept refunds." },
};

export function describeResultCode(code: number): ResultCodeInfo {
  return RESULT_CODES[code] ?? { name: `UNKNOWN_RESULT_CODE_${code}`, sentence: `SEQR answered with the unknown result code ${code}.` };
}

/** Names used in code, so call sites read `ResultCode.INVOICE_ALREADY_CANCELED`. */
export const ResultCode = {
  SUCCESS: 0,
  REPORT_NOT_READY: 2,
  AUTHENTICATION_FAILED: 20,
  ACCESS_DENIED: 21,
  INVALID_ERS_REFERENCE: 23,
  INVALID_INITIATOR_PRINCIPAL_ID: 29,
  PAYMENT_IN_PROGRESS: 48,
  INVALID_INVOICE_DATA: 49,
  CANNOT_CANCEL_PAID_INVOICE: 50,
  CANNOT_CANCEL_INVOICE_IN_PROGRESS: 51,
  INVALID_INVOICE_REFERENCE: 54,
  PAYMENT_EXPIRED: 58,
  INVALID_NOTIFICATION_URL: 64,
  SYSTEM_ERROR: 90,
  SYSTEM_BUSY: 93,
  SERVICE_UNAVAILABLE: 94,
  INVOICE_ALREADY_CANCELED: 95,
  INVOICE_STATE_NOT_RESERVED: 96,
  RESELLER_NOT_ALLOWED_TO_DO_REFUND: 97,
  SUM_OF_REFUNDS_EXCEEDS_ORIGINAL: 98,
  RECEIVER_ACCOUNT_DOES_NOT_ALLOW_REFUNDS: 99,
} as const;
