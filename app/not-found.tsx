import Link from 'next/link';

export default function NotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p>There is nothing at this address. The product may have been removed, or the link is mistyped.</p>
      <p><Link href="/">Back to the catalog</Link></p>
    </>
  );
}
