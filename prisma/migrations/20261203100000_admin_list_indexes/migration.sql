-- The admin lists across all merchants (payouts, payments, webhook deliveries without a filter) sort
-- by (createdAt DESC, id DESC). The per-merchant (merchantId, createdAt, id) indexes cannot serve that
-- order, so each page was a scan of the whole table plus a filesort (EXPLAIN: ~28k rows read for a
-- page of 51 on 30k rows); with these it reads the page's rows from the index end.
CREATE INDEX `Payout_createdAt_id_idx` ON `Payout`(`createdAt`, `id`);
CREATE INDEX `PaymentTransaction_createdAt_id_idx` ON `PaymentTransaction`(`createdAt`, `id`);
CREATE INDEX `WebhookDelivery_createdAt_id_idx` ON `WebhookDelivery`(`createdAt`, `id`);
