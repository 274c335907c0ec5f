// Who sells: the company named in the footer, on every receipt and in the receipt sent to SEQR.
import { getConfig } from '../config';

export type SellerDetails = { name: string; orgNr: string; vatNr: string; address: string; email: string; phone: string };

export function sellerDetails(): SellerDetails {
  return getConfig().seller;
}
