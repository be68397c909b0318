-- Two rules the application checked on affected-row counts become constraints the database
-- enforces, so a refusal is an error of the statement itself (MariaDB and MySQL 8.0.16+ enforce
-- CHECK whatever the sql_mode). A statement batch stops at its first error, so a transaction that
-- sends its COMMIT in the same batch as its writes commits only when no rule refused them.

-- A balance change may leave `available` below zero only when it says so: each change writes
-- `belowZeroAllowed` — true for credits and for refunds and reversals (which must complete),
-- false for payouts and debit adjustments. `pending` (payouts in flight) is never below zero.
-- Existing rows keep what they have (a refund may have taken one below zero already).
ALTER TABLE `MerchantBalance`
  ADD COLUMN `belowZeroAllowed` BOOLEAN NOT NULL DEFAULT true,
  ADD CONSTRAINT `MerchantBalance_available_floor` CHECK (`available` >= 0 OR `belowZeroAllowed`),
  ADD CONSTRAINT `MerchantBalance_pending_floor` CHECK (`pending` >= 0);

-- An idempotency record is completed only by the request that holds it: the settle writes its
-- owner token into `settledBy`, and a record a retry has taken over (another owner) refuses it.
ALTER TABLE `IdempotencyRecord`
  ADD COLUMN `settledBy` CHAR(32) NULL,
  ADD CONSTRAINT `IdempotencyRecord_settled_by_owner` CHECK (`settledBy` IS NULL OR `settledBy` = `owner`);
