'use client';

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <>
      <h1>Something went wrong</h1>
      <p>We could not show this page. Nothing in your cart was lost; please try again.</p>
      <button type="button" className="button-secondary" onClick={reset}>Try again</button>
    </>
  );
}
