// The shop's legal pages (terms, returns, right of withdrawal): which texts each shows, in order.
// The texts are in lib/i18n/messages.ts (sv and en); seller details fill their parameters.
import type { MessageKey } from '../i18n';

export const LEGAL_PAGES = {
  terms: { title: 'terms.title', paragraphs: ['terms.p1', 'terms.p2', 'terms.p3', 'terms.p4', 'terms.p5', 'terms.p6'] },
  returns: { title: 'returns.title', paragraphs: ['returns.p1', 'returns.p2', 'returns.p3', 'returns.p4'] },
  withdrawal: { title: 'withdrawal.title', paragraphs: ['withdrawal.p1', 'withdrawal.p2', 'withdrawal.p3', 'withdrawal.p4'] },
} as const satisfies Record<string, { title: MessageKey; paragraphs: readonly MessageKey[] }>;

export type LegalPageName = keyof typeof LEGAL_PAGES;
