// The mobile "Pay with SEQR" link: the invoice's QR URL with only its scheme replaced
// (PROTOCOL.md §6.2, pitfall 21): HTTP://SEQR.SE/R123 -> seqr-demo://SEQR.SE/R123.
export type AppScheme = 'seqr' | 'seqr-demo';

export function appLink(invoiceQRCode: string, scheme: AppScheme): string {
  if (!/^http:\/\//i.test(invoiceQRCode)) {
    throw new RangeError(`The invoice QR code "${invoiceQRCode}" does not start with http://, so it cannot become an app link.`);
  }
  return `${scheme}:${invoiceQRCode.slice('http:'.length)}`;
}
