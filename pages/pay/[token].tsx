// The pay page: the QR code of SEQR's invoiceQRCode (desktop) or the "Open SEQR app" link (phone),
// following the payment live. It is the page a shopper opens on a phone at the till of the web, so it
// is rendered on the server with no client-side framework at all (Pages Router, runtime JS off):
// its only script is watchPayment, inlined, a couple of kilobytes.
import type { GetServerSideProps, PageConfig } from 'next';
import Head from 'next/head';
import type { ReactNode } from 'react';
import { CartLinkView, LanguageSwitchForm, SiteFrame } from '@/app/components/site-chrome';
import { formatTimeLeft, paymentStatusLine, secondsLeft, watchPayment, type WatcherConfig } from '@/app/pay/watch-payment';
import { getConfig } from '@/lib/config';
import { CART_COOKIE, cartItemCount } from '@/lib/cart';
import { LOCALE_COOKIE, resolveLocale, translator, type Locale, type Translate } from '@/lib/i18n';
import { formatMoney } from '@/lib/money';
import { findOrderByToken, orderNumberLabel, type OrderLineView } from '@/lib/orders';
import { invoiceAmountChange, paymentView, type PaymentView } from '@/lib/payments';
// The pure predicates, imported on their own: the page component (client bundle) uses isPayable.
import { isPayable, paymentIsOver } from '@/lib/payments/transitions';
import { qrSvgOrNull } from '@/lib/qr';
import { orderShortage } from '@/lib/stock';

export const config: PageConfig = { runtime: 'nodejs', unstable_runtimeJS: false };

const PHONE_USER_AGENT = /Android|iPhone|iPad|iPod|IEMobile|Mobile/i;

type PayPageProps = PaymentProps | { missing: true; locale: Locale; cartCount: number };
type PaymentProps = {
  missing?: undefined;
  locale: Locale;
  token: string;
  orderLabel: string;
  totalOre: number;
  lines: Pick<OrderLineView, 'position' | 'name' | 'quantity' | 'lineTotalOre'>[];
  /** The open invoice's amount changed with the cart (first amount → now). */
  amountChange: { fromOre: number; toOre: number } | null;
  ttlMs: number;
  view: PaymentView;
  qrSvg: string | null;
  onPhone: boolean;
  cartCount: number;
  renderedAt: string;
  /** This response's CSP nonce (proxy.ts): the inlined watcher runs only with it. */
  nonce: string;
  /** "Try again" cannot be had: stock no longer covers the order (the shopper's sentence). */
  stockShort: string | null;
};

export const getServerSideProps: GetServerSideProps<PayPageProps, { token: string }> = async ({ params, req, res }) => {
  const token = params?.token ?? '';
  const locale = resolveLocale(req.cookies[LOCALE_COOKIE], req.headers['accept-language']);
  const [cartCount, order] = await Promise.all([cartItemCount(req.cookies[CART_COOKIE]), findOrderByToken(token)]);
  if (!order) {
    // The site's own "not found", in the shopper's language, with a 404.
    res.statusCode = 404;
    return { props: { missing: true, locale, cartCount } };
  }
  const view = paymentView(order, locale);
  if (paymentIsOver(order)) return { redirect: { destination: view.doneUrl, permanent: false } };
  res.setHeader('cache-control', 'private, no-store');
  const attempt = view.attempt;
  const payable = isPayable(attempt);
  const openAttempt = order.attempts[0];
  const short = view.canRetry ? await orderShortage(order.id) : null;
  const t = translator(locale);
  return {
    props: {
      stockShort: short ? t('stock.retryShort', { name: short.name, available: short.available }) : null,
      locale,
      token,
      orderLabel: orderNumberLabel(order.number),
      totalOre: order.totalOre,
      lines: order.lines.map(({ position, name, quantity, lineTotalOre }) => ({ position, name, quantity, lineTotalOre })),
      amountChange: payable && openAttempt ? await invoiceAmountChange(order.id, openAttempt.id) : null,
      ttlMs: getConfig().payments.ttlMs,
      view,
      // Whatever text SEQR sent: one no QR code can hold is shown as a sentence, not a 500.
      qrSvg: payable ? await qrSvgOrNull(attempt.invoiceQRCode) : null,
      onPhone: PHONE_USER_AGENT.test(req.headers['user-agent'] ?? ''),
      cartCount,
      renderedAt: new Date().toISOString(),
      nonce: typeof req.headers['x-nonce'] === 'string' ? req.headers['x-nonce'] : '',
    },
  };
};

/** JSON inside a <script>: `<` is escaped so no text in it can close the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export default function PayPage(props: PayPageProps) {
  const t = translator(props.locale);
  if (props.missing) {
    return (
      <Page title={t('notFound.heading')} t={t} locale={props.locale} cartCount={props.cartCount} back="/">
        <h1>{t('notFound.heading')}</h1>
        <p>{t('pay.noOrder')}</p>
        <p><a href="/">{t('notFound.back')}</a></p>
      </Page>
    );
  }
  return <PaymentPage {...props} t={t} />;
}

function Page({ title, t, locale, cartCount, back, children }: { title: string; t: Translate; locale: Locale; cartCount: number; back: string; children: ReactNode }) {
  return (
    <>
      <Head>
        <title>{`${title} · Nordvik`}</title>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content="#1f3b34" />
        <meta name="robots" content="noindex" />
        <link rel="icon" href="/favicon.ico" sizes="32x32" />
        <link rel="icon" href="/icon.svg" type="image/svg+xml" />
        <link rel="apple-touch-icon" href="/apple-touch-icon.png" />
        <link rel="manifest" href="/manifest.webmanifest" />
      </Head>
      <SiteFrame t={t} languageSwitch={<LanguageSwitchForm current={locale} label={t('site.language')} back={back} />} cartLink={<CartLinkView count={cartCount} t={t} />}>
        {children}
      </SiteFrame>
    </>
  );
}

function PaymentPage({ t, locale, token, orderLabel, totalOre, lines, amountChange, ttlMs, view, qrSvg: qr, onPhone, cartCount, renderedAt, nonce, stockShort }: PaymentProps & { t: Translate }) {
  const attempt = view.attempt;
  const payable = isPayable(attempt);
  const timeLeft = secondsLeft(view, Date.parse(renderedAt));
  const qrImage = qr && (
    <div className="qr" role="img" aria-label={t('pay.qrLabel')} dangerouslySetInnerHTML={{ __html: qr.replace('<svg', '<svg aria-hidden="true" focusable="false"') }} />
  );
  const watcher: WatcherConfig = {
    token,
    view,
    ttlMs,
    labels: {
      paid: t('pay.status.paid'),
      preparing: t('pay.status.preparing'),
      creating: t('pay.status.creating'),
      waiting: t('pay.status.waiting'),
      timeLeft: t('pay.timeLeft'),
      retrying: t('pay.retrying'),
    },
  };

  return (
    <Page title={t('pay.title')} t={t} locale={locale} cartCount={cartCount} back={`/pay/${token}`}>
      <section className={`pay ${onPhone ? 'ua-phone' : 'ua-desktop'}`}>
        <h1>{t('pay.title')}</h1>
        <p className="pay-amount">
          <span className="muted">{t('pay.order', { number: orderLabel })}</span>
          <span className="price price-large" data-testid="pay-amount">{formatMoney(totalOre)}</span>
        </p>
        {amountChange && (
          <p className="notice notice-info" data-testid="amount-changed">
            {t('pay.amountChanged', { from: formatMoney(amountChange.fromOre), to: formatMoney(amountChange.toOre) })}
          </p>
        )}
        {view.cartEmptied && (
          <p className="notice notice-info" data-testid="cart-emptied">
            {t('pay.cartEmpty')} <a href="/">{t('pay.browse')}</a>
          </p>
        )}

        {payable && !attempt.appLink && !qr && <p className="pay-problem" data-testid="pay-problem">{t('pay.unusableCode')}</p>}
        {payable && (attempt.appLink || qr) && (
          <>
            <div className="pay-phone">
              {attempt.appLink ? (
                <>
                  <a className="button-primary button-block" href={attempt.appLink}>{t('pay.openApp')}</a>
                  <p className="muted">{t('pay.appHint')}</p>
                </>
              ) : (
                <p className="pay-problem" data-testid="pay-problem">{t('pay.noAppLink')}</p>
              )}
              {attempt.walletSimulatorUrl && (
                <p><a href={attempt.walletSimulatorUrl}>{t('pay.walletInstead')}</a> {t('pay.walletNote')}</p>
              )}
              {qr ? (
                <details className="qr-disclosure" open={!attempt.appLink}>
                  <summary>{t('pay.showQr')}</summary>
                  {qrImage}
                </details>
              ) : (
                <p className="pay-problem" data-testid="pay-problem">{t('pay.noQr')}</p>
              )}
            </div>
            <div className="pay-desktop">
              {qr ? (
                <>
                  {qrImage}
                  <p>{t('pay.scan', { amount: formatMoney(totalOre) })}</p>
                </>
              ) : (
                <p className="pay-problem" data-testid="pay-problem">{t('pay.noQr')}</p>
              )}
              {attempt.walletSimulatorUrl && (
                <p className="muted"><a href={attempt.walletSimulatorUrl}>{t('pay.walletDesktop')}</a> {t('pay.walletDesktopNote')}</p>
              )}
            </div>
          </>
        )}

        {/* Filled in by watchPayment; the server's first text keeps it useful without JavaScript. The
            live region changes only with the state; the clock beside it ticks without being announced. */}
        <p role="status" aria-live="polite" className="pay-status" data-status={attempt?.status ?? 'NONE'}>
          {paymentStatusLine(view, watcher.labels)}
        </p>
        <div className="pay-timer" hidden={timeLeft === null}>
          <p className="pay-time" data-testid="pay-time">{t('pay.timeLeft', { time: formatTimeLeft(timeLeft ?? 0) })}</p>
          <div className="pay-progress" aria-hidden="true"><div className="pay-progress-bar" /></div>
        </div>
        {view.canRetry && stockShort && (
          <p className="form-error stock-out" data-testid="stock-retry">{stockShort} <a href="/cart">{t('cart.heading')}</a></p>
        )}
        {view.canRetry && !stockShort && (
          <form method="post" action={`/api/orders/${encodeURIComponent(token)}/retry`} className="retry">
            <button type="submit" className="button-primary">{t('pay.tryAgain')}</button>
          </form>
        )}
        <script
          nonce={nonce}
          dangerouslySetInnerHTML={{
            __html: `(${watchPayment.toString()})(${scriptJson(watcher)}, { statusLine: ${paymentStatusLine.toString()}, secondsLeft: ${secondsLeft.toString()}, formatTimeLeft: ${formatTimeLeft.toString()} });`,
          }}
        />
        <section className="pay-lines" aria-labelledby="pay-lines-heading">
          <h2 id="pay-lines-heading">{t('pay.lines')}</h2>
          <table className="receipt-lines">
            <thead><tr><th scope="col">{t('done.item')}</th><th scope="col">{t('done.qty')}</th><th scope="col">{t('done.amount')}</th></tr></thead>
            <tbody>
              {lines.map((line) => (
                <tr key={line.position}><td>{line.name}</td><td>{line.quantity}</td><td className="price">{formatMoney(line.lineTotalOre)}</td></tr>
              ))}
            </tbody>
            <tfoot>
              <tr className="receipt-total"><th scope="row" colSpan={2}>{t('cart.total')}</th><td>{formatMoney(totalOre)}</td></tr>
            </tfoot>
          </table>
          <p><a href="/cart">{t('pay.backToCart')}</a></p>
        </section>
      </section>
    </Page>
  );
}
