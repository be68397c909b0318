-- Request log (issue 17): every authenticated request of either API, per merchant, with its
-- redacted bodies. Written in batches off the request path; rows older than
-- REQUEST_LOG_RETENTION_DAYS are purged. No foreign key to Merchant: a batch insert must never
-- fail as a whole because of one row, and the retention purge removes every row anyway.
CREATE TABLE `RequestLog` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `merchantId` VARCHAR(32) NOT NULL,
    -- The caller's X-Request-Id when it sent one (compared exactly, like every identity it chooses).
    `requestId` VARCHAR(128) COLLATE utf8mb4_bin NOT NULL,
    `api` VARCHAR(16) NOT NULL,
    `method` VARCHAR(10) NOT NULL,
    `path` VARCHAR(2048) NOT NULL,
    `route` VARCHAR(255) NULL,
    `status` INTEGER NOT NULL,
    `durationMs` INTEGER NOT NULL,
    `errorCode` VARCHAR(64) NULL,
    `idempotencyKey` VARCHAR(255) COLLATE utf8mb4_bin NULL,
    `idempotentReplayed` BOOLEAN NOT NULL DEFAULT false,
    `objectId` VARCHAR(64) NULL,
    `keyPrefix` VARCHAR(16) NULL,
    `ip` VARCHAR(64) NULL,
    `userAgent` VARCHAR(500) NULL,
    `requestBody` MEDIUMTEXT NULL,
    `requestBodyTruncated` BOOLEAN NOT NULL DEFAULT false,
    `responseBody` MEDIUMTEXT NULL,
    `responseBodyTruncated` BOOLEAN NOT NULL DEFAULT false,
    `createdAt` DATETIME(3) NOT NULL,

    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- GET /request-logs: newest first per merchant, keyset on (createdAt, id).
CREATE INDEX `RequestLog_merchantId_createdAt_id_idx` ON `RequestLog`(`merchantId`, `createdAt`, `id`);
-- GET /request-logs/:requestId.
CREATE INDEX `RequestLog_merchantId_requestId_idx` ON `RequestLog`(`merchantId`, `requestId`);
-- ?objectId= and the portal's "Requests" panels on a payout, checkout or transaction.
CREATE INDEX `RequestLog_merchantId_objectId_createdAt_idx` ON `RequestLog`(`merchantId`, `objectId`, `createdAt`);
-- ?idempotencyKey=: every try of one key.
CREATE INDEX `RequestLog_merchantId_idempotencyKey_idx` ON `RequestLog`(`merchantId`, `idempotencyKey`);
-- Retention purge.
CREATE INDEX `RequestLog_createdAt_idx` ON `RequestLog`(`createdAt`);
