-- Identities a client chooses are compared exactly (issue 13): an Idempotency-Key and a payout
-- reference are byte strings, as Stripe treats its keys. The tables' utf8mb4_unicode_ci made
-- `Key-A` and `key-a` (or `é` and `e`) one key. utf8mb4_bin compares code points, so case and
-- accents count. Like every non-"0900" collation on MySQL 8.0 and MariaDB 10.11, it ignores
-- trailing spaces; the API therefore refuses a reference ending in a space, and an HTTP header
-- value can never end in one (the parser strips it). Existing rows stay as they are: values
-- that were distinct case-insensitively are distinct byte-wise too.
ALTER TABLE `IdempotencyRecord`
    MODIFY `key` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;

ALTER TABLE `Payout`
    MODIFY `reference` VARCHAR(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;

-- The request that holds an IN_PROGRESS record: its settle (in the effect's own transaction)
-- matches `owner`, so a request whose record a retry took over can no longer commit its effect.
-- Records written before this migration get an owner no running request knows.
ALTER TABLE `IdempotencyRecord` ADD COLUMN `owner` CHAR(32) NULL AFTER `state`;

UPDATE `IdempotencyRecord` SET `owner` = MD5(CONCAT(`id`, ':', `merchantId`, ':', `createdAt`)) WHERE `owner` IS NULL;

ALTER TABLE `IdempotencyRecord` MODIFY `owner` CHAR(32) NOT NULL;
