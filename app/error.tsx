'use client';

// A client boundary cannot read the request, so it uses the language the page was rendered in.
// Its three texts live here, so the dictionaries stay out of the browser's bundle.
import { useEffect, useState } from 'react';

const TEXT = {
  en: { heading: 'Something went wrong', text: 'We could not show this page. Nothing in your cart was lost; please try again.', retry: 'Try again' },
  sv: { heading: 'Något gick fel', text: 'Vi kunde inte visa sidan. Inget i din varukorg har försvunnit; försök igen.', retry: 'Försök igen' },
};

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  const [text, setText] = useState(TEXT.en);
  useEffect(() => setText(document.documentElement.lang === 'sv' ? TEXT.sv : TEXT.en), []);
  return (
    <>
      <h1>{text.heading}</h1>
      <p>{text.text}</p>
      <button type="button" className="button-secondary" onClick={reset}>{text.retry}</button>
    </>
  );
}
