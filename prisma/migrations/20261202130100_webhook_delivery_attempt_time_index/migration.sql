-- Auto-disable measures an endpoint's failure streak by attempt time (issue 13): its last
-- successful attempt (newest DELIVERED by lastAttemptAt) and its failures since.
CREATE INDEX `WebhookDelivery_endpointId_status_lastAttemptAt_idx` ON `WebhookDelivery`(`endpointId`, `status`, `lastAttemptAt`);
