import {
  canonicalBodies,
  computeSignature,
  parseLossless,
  verifySignature,
} from '../../src/modules/shopline/webhook-signature.js';

/**
 * What refusing a ~0.9 MiB SHOPLINE webhook costs the gateway.
 *
 * In process (always): the CPU spent on one forged body (a well-formed `sign`, a fresh timestamp)
 * by parsing and re-serialising it to check it, as the route did before it checked the bytes
 * first, against verifySignature now; upload time is not in it.
 *
 * Over HTTP (with a gateway URL): POSTs unsigned (no `sign`) and forged bodies to a running
 * gateway one at a time and prints each kind's round-trip times.
 *
 *   node --import tsx bench/probes/webhook-refusal.ts [gatewayUrl] [count]
 */
const base = process.argv[2];
const count = Number(process.argv[3] ?? 20);

const items = Array.from({ length: 6000 }, (_, i) => ({
  id: `item-${i}`,
  price: i + 0.25,
  name: `Item <${i}> & co`,
  tags: ['a', 'b'],
}));
const body = JSON.stringify({
  trace_id: 'forged',
  ts: '1618994178000000000',
  topic: 'application/install',
  merchant_id: 'm-forged',
  resource: { items, pad: 'x'.repeat(Math.max(0, 943_718 - JSON.stringify(items).length - 200)) },
});
const raw = Buffer.from(body);
const FORGED_SIGN = 'ab'.repeat(32);
const now = () => String(Math.floor(Date.now() / 1000));
const mib = (raw.length / 1048576).toFixed(2);

function summary(label: string, ms: number[], extra = ''): void {
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(1);
  console.log(
    `${label}: ${ms.length} × ${mib} MiB${extra}, ms min ${at(0)} p50 ${at(0.5)} max ${at(1)}`,
  );
}

function cpu(label: string, refuse: () => void): void {
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    refuse();
    ms.push(performance.now() - start);
  }
  summary(label, ms);
}

const ts = now();
cpu('in process, before (lossless parse, canonicalise, HMAC)', () => {
  for (const c of canonicalBodies(parseLossless(body))) computeSignature('secret', ts, c);
});
cpu('in process, after (verifySignature)', () => {
  verifySignature({
    secret: 'secret',
    sign: FORGED_SIGN,
    timestamp: ts,
    raw,
    toleranceSeconds: 300,
    canonicalizeMaxBytes: 65536,
  });
});

async function http(label: string, query: string): Promise<void> {
  const ms: number[] = [];
  const statuses = new Set<number>();
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const res = await fetch(`${base}/webhooks/shopline${query}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopline-developer-event-timestamp': now(),
      },
      body,
    });
    await res.arrayBuffer();
    ms.push(performance.now() - start);
    statuses.add(res.status);
  }
  summary(label, ms, `, status ${[...statuses].join(',')}`);
}

if (base) {
  await http('HTTP unsigned (no sign)', '');
  await http('HTTP forged (fresh timestamp, 64-hex sign)', `?sign=${FORGED_SIGN}`);
}
