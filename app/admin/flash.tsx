// The outcome of the last back-office action, carried in the URL after a form post.
export function Flash({ notice, error }: { notice?: string | string[]; error?: string | string[] }) {
  const text = (value?: string | string[]) => (typeof value === 'string' ? value.slice(0, 400) : undefined);
  return (
    <>
      {text(notice) && <p role="status" className="flash flash-ok">{text(notice)}</p>}
      {text(error) && <p role="alert" className="flash flash-error">{text(error)}</p>}
    </>
  );
}
