-- Test clocks (docs/test-clocks.md): a merchant's own sandbox time. Objects bound to a clock
-- (`testClockId`) follow it instead of wall time: the workers skip them, and only an advance of
-- their clock moves them. No foreign key from the bound rows: deleting a clock leaves its objects
-- as they are (still bound, so nothing moves them any more).
CREATE TABLE `TestClock` (
    `id` VARCHAR(32) NOT NULL,
    `merchantId` VARCHAR(32) NOT NULL,
    `name` VARCHAR(191) NULL,
    `frozenTime` DATETIME(3) NOT NULL,
    `status` ENUM('ready', 'advancing') NOT NULL DEFAULT 'ready',
    `advanceTarget` DATETIME(3) NULL,
    `advanceHeartbeatAt` DATETIME(3) NULL,
    `version` INTEGER NOT NULL DEFAULT 0,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    INDEX `TestClock_merchantId_createdAt_id_idx`(`merchantId`, `createdAt`, `id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

ALTER TABLE `TestClock` ADD CONSTRAINT `TestClock_merchantId_fkey` FOREIGN KEY (`merchantId`) REFERENCES `Merchant`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE `Payout` ADD COLUMN `testClockId` VARCHAR(32) NULL;
ALTER TABLE `Checkout` ADD COLUMN `testClockId` VARCHAR(32) NULL;
ALTER TABLE `PaymentTransaction` ADD COLUMN `testClockId` VARCHAR(32) NULL;
-- A bound delivery's next attempt waits for its clock: `clockNextAttemptAt` is that time on the
-- clock, and `nextAttemptAt` (wall time, what the delivery worker claims by) stays NULL until an
-- advance passes it.
ALTER TABLE `WebhookDelivery` ADD COLUMN `testClockId` VARCHAR(32) NULL,
    ADD COLUMN `clockNextAttemptAt` DATETIME(3) NULL;

-- Workers claim unbound due rows (testClockId IS NULL) in due order; an advance reads its clock's
-- due rows in due order. One index serves both.
CREATE INDEX `Payout_testClockId_nextTransitionAt_idx` ON `Payout`(`testClockId`, `nextTransitionAt`);
CREATE INDEX `PaymentTransaction_testClockId_nextTransitionAt_idx` ON `PaymentTransaction`(`testClockId`, `nextTransitionAt`);
CREATE INDEX `Checkout_testClockId_status_expiresAt_idx` ON `Checkout`(`testClockId`, `status`, `expiresAt`);
CREATE INDEX `WebhookDelivery_testClockId_clockNextAttemptAt_idx` ON `WebhookDelivery`(`testClockId`, `clockNextAttemptAt`);
