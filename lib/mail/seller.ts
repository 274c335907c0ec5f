// Who the e-mails say they come from: the seller of the footer and the receipts (SHOP_NAME…).
import { sellerDetails, type SellerDetails } from '../shop/seller';

export function mailSellerName(): string {
  return sellerDetails().name;
}

export function mailSeller(): SellerDetails {
  return sellerDetails();
}
