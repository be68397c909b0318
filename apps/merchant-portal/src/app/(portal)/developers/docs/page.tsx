import type { Metadata } from 'next';
import { CopyButton } from '../../../../components/copy-button.tsx';
import { getConfig } from '../../../../server/config.ts';
import { getPayoutDeps } from '../../../../server/deps.ts';
import { requireMerchant } from '../../../../server/portal.ts';

export const metadata: Metadata = { title: 'Scenarios & snippets' };

function Snippet({ title, code }: { title: string; code: string }) {
  return (
    <div style={{ marginBottom: '1rem' }}>
      <div className="spread" style={{ marginBottom: '0.25rem' }}>
        <h3 style={{ margin: 0, fontSize: '1rem' }}>{title}</h3>
        <CopyButton text={code} />
      </div>
      <pre>{code}</pre>
    </div>
  );
}

export default async function DocsPage() {
  await requireMerchant();
  const config = getConfig();
  const scenarios = await getPayoutDeps().scenarios.list();
  const payoutBase = config.payoutApiBaseUrl;
  const paymentBase = config.paymentApiBaseUrl;

  const curlPayout = `curl -s ${payoutBase}/payouts \\
  -H "Authorization: Bearer $MYPAY_KEY" \\
  -H 'Content-Type: application/json' \\
  -H 'Idempotency-Key: order-1001' \\
  -d '{"amount":150000,"currency":"PKR","reference":"order-1001",
       "destination":{"type":"wallet","provider":"JAZZCASH","accountNumber":"03000000001"}}'`;

  const nodePayout = `const res = await fetch('${payoutBase}/payouts', {
  method: 'POST',
  headers: {
    Authorization: \`Bearer \${process.env.MYPAY_KEY}\`,
    'Content-Type': 'application/json',
    'Idempotency-Key': 'order-1001', // retry with the same key: never paid twice
  },
  body: JSON.stringify({
    amount: 150000, // paisa: PKR 1,500.00
    currency: 'PKR',
    reference: 'order-1001',
    destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000001' },
  }),
});
const payout = await res.json();
if (!res.ok) throw new Error(\`\${payout.error.code}: \${payout.error.message}\`);
console.log(payout.id, payout.status);`;

  const verify = `import { createHmac, timingSafeEqual } from 'node:crypto';
import express from 'express';

const app = express();
// Verify against the raw bytes received, before any JSON parsing.
app.post('/webhooks/mypay', express.raw({ type: 'application/json' }), (req, res) => {
  const header = req.get('MyPay-Signature') ?? '';
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=')));
  const t = Number(parts.t);
  if (!t || Math.abs(Date.now() / 1000 - t) > 300) return res.status(400).send('stale');
  const expected = createHmac('sha256', process.env.MYPAY_WEBHOOK_SECRET)
    .update(\`\${t}.\`).update(req.body).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return res.status(400).send('bad signature');
  }
  const event = JSON.parse(req.body.toString('utf8'));
  console.log(event.type, event.data.object.id); // handle idempotently: events can repeat
  res.sendStatus(200);
});
app.listen(3000);`;

  return (
    <>
      <div className="panel">
        <h2>Base URLs</h2>
        <dl className="kv">
          <dt>Payout API</dt>
          <dd className="mono">{payoutBase}</dd>
          <dt>Payment API</dt>
          <dd className="mono">{paymentBase}</dd>
          <dt>API docs</dt>
          <dd className="mono">
            <a href={`${payoutBase}/docs`}>{payoutBase}/docs</a> ·{' '}
            <a href={`${paymentBase}/api/checkout/docs`}>{paymentBase}/api/checkout/docs</a>
          </dd>
          <dt>OpenAPI</dt>
          <dd className="mono">
            <a href={`${payoutBase}/openapi.json`}>{payoutBase}/openapi.json</a> ·{' '}
            <a href={`${paymentBase}/api/checkout/openapi.json`}>{paymentBase}/api/checkout/openapi.json</a>
          </dd>
        </dl>
      </div>
      <div className="panel">
        <h2>Scenario numbers</h2>
        <p className="muted">
          The wallet mobile number or bank account number decides the outcome. Any other valid number succeeds.
        </p>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>#</th>
                <th>Scenario</th>
                <th>Mobile</th>
                <th>Bank account</th>
                <th>Payout</th>
                <th>Payment</th>
                <th>Verify account</th>
              </tr>
            </thead>
            <tbody>
              {scenarios.map((s) => (
                <tr key={s.key}>
                  <td>{s.number}</td>
                  <td>{s.key}</td>
                  <td className="mono">{s.mobile}</td>
                  <td className="mono">{s.bankAccount}</td>
                  <td>{s.payoutOutcome}</td>
                  <td>{s.paymentOutcome}</td>
                  <td>{s.verifyOutcome}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <div className="panel">
        <h2>Snippets</h2>
        <Snippet title="Create a payout (curl)" code={curlPayout} />
        <Snippet title="Create a payout (Node 20+)" code={nodePayout} />
        <Snippet title="Verify a webhook signature (Node, Express)" code={verify} />
      </div>
    </>
  );
}
