// The outcome of the last back-office action, carried in the URL after a form post: only a flash
// the shop signed (lib/admin/flash.ts), never text from the address; anything else shows nothing.
import { getLocale } from '@/app/i18n';
import { decodeFlash } from '@/lib/admin/flash';
import { translateMessage } from '@/lib/i18n';

export async function Flash({ value }: { value?: string | string[] }) {
  const flash = decodeFlash(value);
  if (!flash) return null;
  const text = translateMessage(await getLocale(), flash.message);
  return flash.ok ? <p role="status" className="flash flash-ok">{text}</p> : <p role="alert" className="flash flash-error">{text}</p>;
}
