// Who the e-mails say they come from. One function, so the seller details (SHOP_NAME…) can take
// over here in one place.
export function mailSellerName(): string {
  return 'Nordvik';
}
