// The mobile "Pay with SEQR" link: the invoice's QR URL with only its scheme replaced
// (PROTOCOL.md §6.2, pitfall 21): HTTP://SEQR.SE/R123 -> seqr-demo://SEQR.SE/R123.
export type AppScheme = 'seqr' | 'seqr-demo';

/** Longer than any QR code can hold (2,953 bytes at level L): not a SEQR invoice URL. */
const MAX_QR_TEXT = 2953;

/**
 * The app link for a QR text, or null when the text is not SEQR's http(s)://… form. The text comes
 * from SEQR's answer, so any value must be survivable: the page then shows the QR without a link.
 * HTTPS is treated like HTTP (the app opens the same path); the scheme is matched in any case.
 */
export function appLink(invoiceQRCode: string, scheme: AppScheme): string | null {
  if (invoiceQRCode.length > MAX_QR_TEXT) return null;
  const match = /^https?:(\/\/[^\s"'<>\\]+)$/i.exec(invoiceQRCode);
  return match ? `${scheme}:${match[1]}` : null;
}
