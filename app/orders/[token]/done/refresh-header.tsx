'use client';

// The header (cart count) renders in parallel with this page, possibly before the page confirmed
// the payment and closed the cart; one refresh after mount shows the header as it now stands.
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

export function RefreshHeader() {
  const router = useRouter();
  useEffect(() => router.refresh(), [router]);
  return null;
}
