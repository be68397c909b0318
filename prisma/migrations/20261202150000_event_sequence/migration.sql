-- Orderable events: every event body carries `sequence`, its position among the merchant's events
-- in commit order. The counter lives on the merchant's balance row: the row every money-moving
-- transaction already locks, so taking the next number adds no new lock (and no new lock order).
ALTER TABLE `MerchantBalance` ADD COLUMN `lastEventSequence` BIGINT NOT NULL DEFAULT 0;

ALTER TABLE `WebhookEvent` ADD COLUMN `sequence` BIGINT NOT NULL DEFAULT 0;

-- Existing events: numbered per merchant in the order they were written (`seq`), body included.
UPDATE `WebhookEvent` e
  JOIN (SELECT `id`, ROW_NUMBER() OVER (PARTITION BY `merchantId` ORDER BY `seq`) AS `n` FROM `WebhookEvent`) r
    ON r.`id` = e.`id`
   SET e.`sequence` = r.`n`, e.`payload` = JSON_SET(e.`payload`, '$.sequence', r.`n`);

UPDATE `MerchantBalance` b
  JOIN (SELECT `merchantId`, MAX(`sequence`) AS `last` FROM `WebhookEvent` GROUP BY `merchantId`) m
    ON m.`merchantId` = b.`merchantId`
   SET b.`lastEventSequence` = m.`last`;

ALTER TABLE `WebhookEvent` ALTER COLUMN `sequence` DROP DEFAULT;

-- One number per merchant and event; also the index for reading a merchant's events in order.
CREATE UNIQUE INDEX `WebhookEvent_merchantId_sequence_key` ON `WebhookEvent`(`merchantId`, `sequence`);

-- GET /checkouts?orderId=: exact lookup of a merchant's checkouts by the caller's order id.
CREATE INDEX `Checkout_merchantId_orderId_idx` ON `Checkout`(`merchantId`, `orderId`);
