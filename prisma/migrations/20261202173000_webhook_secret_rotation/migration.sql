-- Rolling a webhook endpoint's signing secret (POST /api/v1/webhook-endpoints/:id/rotate-secret):
-- until previousSecretExpiresAt every delivery is signed with both the new secret and the one it
-- replaced (two v1 signatures), so receivers can switch without dropping a delivery.
ALTER TABLE `WebhookEndpoint`
    ADD COLUMN `previousSecret` VARCHAR(100) NULL,
    ADD COLUMN `previousSecretExpiresAt` DATETIME(3) NULL,
    ADD COLUMN `secretRotatedAt` DATETIME(3) NULL;

-- A test event of a chosen type (POST /webhooks/test {type}) carries a sample object; the flag tells
-- it apart from real events of that type (the test send limit counts it, the portal labels it).
ALTER TABLE `WebhookEvent`
    ADD COLUMN `test` BOOLEAN NOT NULL DEFAULT false;
