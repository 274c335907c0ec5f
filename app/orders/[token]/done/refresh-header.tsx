'use client';

// The header (cart count) renders in parallel with this page, possibly before the page confirmed
// the payment and closed the cart. When the header shows another count than the cart has now (read
// after the confirmation), one refresh after mount shows it as it stands. Only then: a refresh
// while the page loads refetches the page and its stylesheet and holds back the first paint.
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

export function RefreshHeader({ cartCount }: { cartCount: number }) {
  const router = useRouter();
  useEffect(() => {
    const shown = document.querySelector('.site-header .cart-count')?.textContent?.trim();
    if (shown !== String(cartCount)) router.refresh();
  }, [router, cartCount]);
  return null;
}
