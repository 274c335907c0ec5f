// Liveness for a load balancer or process manager: the process answers HTTP. It touches neither the
// database nor SEQR, so a slow dependency never takes every instance out of rotation at once.
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json({ ok: true }, { headers: { 'cache-control': 'no-store' } });
}
