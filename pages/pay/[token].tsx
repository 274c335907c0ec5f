// The pay page: the QR code of SEQR's invoiceQRCode (desktop) or the "Open SEQR app" link (phone),
// following the payment live. It is the page a shopper opens on a phone at the till of the web, so it
// is rendered on the server with no client-side framework at all (Pages Router, runtime JS off):
// its only script is watchPayment, inlined, a couple of kilobytes.
import type { GetServerSideProps, PageConfig } from 'next';
import Head from 'next/head';
import { CartLinkView, LanguageSwitchForm, SiteFrame } from '@/app/components/site-chrome';
import { paymentStatusLine, watchPayment, type WatcherConfig } from '@/app/pay/watch-payment';
import { CART_COOKIE, readCart } from '@/lib/cart';
import { LOCALE_COOKIE, resolveLocale, translator, type Locale } from '@/lib/i18n';
import { formatMoney } from '@/lib/money';
import { findOrderByToken, orderNumberLabel } from '@/lib/orders';
import { paymentView, type PaymentView } from '@/lib/payments';
import { qrSvg } from '@/lib/qr';

export const config: PageConfig = { runtime: 'nodejs', unstable_runtimeJS: false };

const PHONE_USER_AGENT = /Android|iPhone|iPad|iPod|IEMobile|Mobile/i;

type PayPageProps = {
  locale: Locale;
  token: string;
  orderLabel: string;
  totalOre: number;
  view: PaymentView;
  qrSvg: string | null;
  onPhone: boolean;
  cartCount: number;
  renderedAt: string;
};

export const getServerSideProps: GetServerSideProps<PayPageProps, { token: string }> = async ({ params, req, res }) => {
  const token = params?.token ?? '';
  const order = await findOrderByToken(token);
  if (!order) return { notFound: true };
  const locale = resolveLocale(req.cookies[LOCALE_COOKIE], req.headers['accept-language']);
  const view = paymentView(order, locale);
  if (order.status !== 'AWAITING_PAYMENT' && order.status !== 'ABANDONED') return { redirect: { destination: view.doneUrl, permanent: false } };
  res.setHeader('cache-control', 'private, no-store');
  const attempt = view.attempt;
  const payable = attempt?.status === 'ISSUED' && attempt.invoiceQRCode !== null;
  const cart = await readCart(req.cookies[CART_COOKIE]);
  return {
    props: {
      locale,
      token,
      orderLabel: orderNumberLabel(order.number),
      totalOre: order.totalOre,
      view,
      qrSvg: payable ? await qrSvg(attempt.invoiceQRCode!) : null,
      onPhone: PHONE_USER_AGENT.test(req.headers['user-agent'] ?? ''),
      cartCount: cart.kind === 'ok' ? cart.cart.totals.itemCount : 0,
      renderedAt: new Date().toISOString(),
    },
  };
};

/** JSON inside a <script>: `<` is escaped so no text in it can close the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export default function PayPage({ locale, token, orderLabel, totalOre, view, qrSvg: qr, onPhone, cartCount, renderedAt }: PayPageProps) {
  const t = translator(locale);
  const attempt = view.attempt;
  const payable = attempt?.status === 'ISSUED' && qr !== null;
  const qrImage = qr && (
    <div className="qr" role="img" aria-label={t('pay.qrLabel')} dangerouslySetInnerHTML={{ __html: qr.replace('<svg', '<svg aria-hidden="true" focusable="false"') }} />
  );
  const watcher: WatcherConfig = {
    token,
    view,
    labels: {
      paid: t('pay.status.paid'),
      preparing: t('pay.status.preparing'),
      creating: t('pay.status.creating'),
      waiting: t('pay.status.waiting'),
      waitingLeft: t('pay.status.waitingLeft'),
      retrying: t('pay.retrying'),
    },
  };

  return (
    <>
      <Head>
        <title>{`${t('pay.title')} · Nordvik`}</title>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content="#1f3b34" />
        <meta name="robots" content="noindex" />
      </Head>
      <SiteFrame
        t={t}
        languageSwitch={<LanguageSwitchForm current={locale} label={t('site.language')} back={`/pay/${token}`} />}
        cartLink={<CartLinkView count={cartCount} t={t} />}
      >
        <section className={`pay ${onPhone ? 'ua-phone' : 'ua-desktop'}`}>
          <h1>{t('pay.title')}</h1>
          <p className="pay-amount">
            <span className="muted">{t('pay.order', { number: orderLabel })}</span>
            <span className="price price-large" data-testid="pay-amount">{formatMoney(totalOre)}</span>
          </p>

          {payable && (
            <>
              <div className="pay-phone">
                <a className="button-primary button-block" href={attempt.appLink!}>{t('pay.openApp')}</a>
                <p className="muted">{t('pay.appHint')}</p>
                {attempt.walletSimulatorUrl && (
                  <p><a href={attempt.walletSimulatorUrl}>{t('pay.walletInstead')}</a> {t('pay.walletNote')}</p>
                )}
                <details className="qr-disclosure">
                  <summary>{t('pay.showQr')}</summary>
                  {qrImage}
                </details>
              </div>
              <div className="pay-desktop">
                {qrImage}
                <p>{t('pay.scan', { amount: formatMoney(totalOre) })}</p>
                {attempt.walletSimulatorUrl && (
                  <p className="muted"><a href={attempt.walletSimulatorUrl}>{t('pay.walletDesktop')}</a> {t('pay.walletDesktopNote')}</p>
                )}
              </div>
            </>
          )}

          {/* Filled in by watchPayment; the server's first text keeps it useful without JavaScript. */}
          <p role="status" aria-live="polite" className="pay-status" data-status={attempt?.status ?? 'NONE'}>
            {paymentStatusLine(view, watcher.labels, Date.parse(renderedAt))}
          </p>
          {view.canRetry && (
            <form method="post" action={`/api/orders/${encodeURIComponent(token)}/retry`} className="retry">
              <button type="submit" className="button-primary">{t('pay.tryAgain')}</button>
            </form>
          )}
          <script dangerouslySetInnerHTML={{ __html: `(${watchPayment.toString()})(${scriptJson(watcher)}, ${paymentStatusLine.toString()});` }} />
        </section>
      </SiteFrame>
    </>
  );
}
