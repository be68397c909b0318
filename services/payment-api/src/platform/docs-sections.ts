import { CURL_HEADERS, curlExamplesSection, type DocsSection, type ScenarioOutcomeColumn } from '@mypay/http';

/** What this API's scenario table says and shows (`scenarioTableSection`, packages/http). */
export const SCENARIO_TABLE: { intro: string; outcomes: ScenarioOutcomeColumn[] } = {
  intro:
    'The payer’s mobile number of a payment (or the destination account of a payout) picks the outcome; ' +
    'any other well-formed number behaves as scenario 1. Refunds follow the payer’s number too.',
  outcomes: ['payment', 'payout'],
};

/** Curl for the main calls, against this deployment's public URL, with the documented key header. */
export function examplesSection(publicUrl: string): DocsSection {
  const { auth, json } = CURL_HEADERS;
  return curlExamplesSection('250000 = PKR 2,500.00', [
    {
      title: 'Set up',
      command: `BASE=${publicUrl}\nKEY=mp_test_…   # a key of scope payment or all (merchant portal → Developers)`,
    },
    {
      title: 'Create a checkout',
      command: `curl -s -X POST $BASE/api/checkout/create ${auth} ${json} \\\n  -H 'Idempotency-Key: order-1001' \\\n  -d '{"amount":250000,"currency":"PKR","orderId":"ORDER-1001",\n       "successUrl":"https://shop.example/paid","cancelUrl":"https://shop.example/cart"}'\n# → 201 {"id":"cs_…","status":"OPEN","checkoutUrl":"${publicUrl}/checkout/cs_…",…}`,
    },
    {
      title: 'Pay it from your backend',
      note: 'The mobile number is the scenario: 03000000001 succeeds, 03000000004 fails `ACCOUNT_BLOCKED`.',
      command: `curl -s -X POST $BASE/payment/complete ${auth} ${json} \\\n  -d '{"checkoutId":"cs_…","provider":"JAZZCASH","mobile":"03000000001","otp":"123456"}'\n# → 201 {"id":"txn_…","status":"SUCCEEDED","checkoutId":"cs_…","scenario":"SUCCESS",…}`,
    },
    {
      title: 'Get a checkout',
      command: `curl -s $BASE/checkouts/cs_… ${auth}\n# → 200 {"id":"cs_…","status":"COMPLETED","latestTransaction":{"id":"txn_…",…},…}`,
    },
    {
      title: 'Refund a payment',
      note: 'Leave out `amount` to refund all that remains.',
      command: `curl -s -X POST $BASE/refunds ${auth} ${json} \\\n  -H 'Idempotency-Key: refund-order-1001-1' \\\n  -d '{"transactionId":"txn_…","amount":100000,"reason":"one item returned"}'\n# → 201 {"id":"re_…","status":"SUCCEEDED","amount":100000,…}\ncurl -s "$BASE/refunds?transactionId=txn_…" ${auth}\n# → 200 {"data":[{"id":"re_…",…}],"hasMore":false,"nextCursor":null}`,
    },
  ]);
}
