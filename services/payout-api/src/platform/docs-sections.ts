import { CURL_HEADERS, curlExamplesSection, type DocsSection, type ScenarioOutcomeColumn } from '@mypay/http';
import { API_BASE } from '../context.ts';

/** What this API's scenario table says and shows (`scenarioTableSection`, packages/http). */
export const SCENARIO_TABLE: { intro: string; outcomes: ScenarioOutcomeColumn[] } = {
  intro:
    'The destination account number of a payout (or the payer’s mobile of a payment) picks the outcome; ' +
    'any other well-formed number behaves as scenario 1. <code>GET /api/v1/scenarios</code> returns the same table.',
  outcomes: ['payout', 'payment', 'verify-account'],
};

/** Curl for the main calls, against this deployment's public URL, with the documented key header. */
export function examplesSection(publicUrl: string): DocsSection {
  const { auth, json } = CURL_HEADERS;
  return curlExamplesSection('150000 = PKR 1,500.00', [
    {
      title: 'Set up',
      command: `API=${publicUrl}${API_BASE}\nKEY=mp_test_…   # a key of scope payout or all (merchant portal → Developers)`,
    },
    {
      title: 'Verify an account before paying it',
      note: 'Account number 0000000004 is scenario 4: valid, status `BLOCKED`.',
      command: `curl -s -X POST $API/verify-account ${auth} ${json} \\\n  -d '{"type":"bank","provider":"HBL","accountNumber":"0000000004"}'\n# → 200 {"valid":true,"status":"BLOCKED","accountTitle":"Test Account",…}`,
    },
    {
      title: 'Create a payout',
      note: 'Repeat the same `Idempotency-Key` with the same body and you get the same payout back, not a second one.',
      command: `curl -s -X POST $API/payouts ${auth} ${json} \\\n  -H 'Idempotency-Key: salary-2026-12-0001' \\\n  -d '{"amount":150000,"currency":"PKR","reference":"INV-1001",\n       "destination":{"type":"wallet","provider":"JAZZCASH","accountNumber":"03000000002"}}'\n# → 201 {"id":"po_…","status":"PENDING","scenario":"ASYNC_SUCCESS",…}`,
    },
    {
      title: 'Get a payout',
      command: `curl -s $API/payouts/po_… ${auth}\n# → 200 {"id":"po_…","status":"COMPLETED","events":[{"status":"PENDING","at":"…"},…],…}`,
    },
    {
      title: 'List payouts',
      command: `curl -s "$API/payouts?limit=20&status=COMPLETED" ${auth}\n# → 200 {"data":[…],"hasMore":true,"nextCursor":"…"}   (pass ?cursor=<nextCursor> for the next page)`,
    },
  ]);
}
