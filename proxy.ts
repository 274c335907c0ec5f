// Runs before routing, for server-action calls only (the matcher): a body Next could not decode
// gets a 4xx with a sentence here instead of a bare 500 there (app/action-envelope.ts).
import { NextResponse, type NextRequest } from 'next/server';
import { checkActionEnvelope } from './app/action-envelope';

export async function proxy(request: NextRequest) {
  if (request.method !== 'POST') return NextResponse.next();
  const problem = await checkActionEnvelope(request.clone());
  if (problem) return NextResponse.json({ error: problem.message }, { status: problem.status, headers: { 'cache-control': 'no-store' } });
  return NextResponse.next();
}

export const config = {
  matcher: [{ source: '/((?!_next/static|_next/image).*)', has: [{ type: 'header', key: 'next-action' }] }],
};
