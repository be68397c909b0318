-- Refunds of payment transactions (POST /refunds): full or partial, each its own object with a
-- scenario-driven lifecycle PENDING → SUCCEEDED | FAILED.

-- A transaction is PARTIALLY_REFUNDED until refunds that succeeded add up to its amount (REFUNDED).
-- amountRefunded is that sum (succeeded refunds only; pending ones are counted from Refund).
ALTER TABLE `PaymentTransaction`
    MODIFY `status` ENUM('PENDING', 'SUCCEEDED', 'FAILED', 'PARTIALLY_REFUNDED', 'REFUNDED') NOT NULL DEFAULT 'PENDING',
    ADD COLUMN `amountRefunded` INTEGER NOT NULL DEFAULT 0;

UPDATE `PaymentTransaction` SET `amountRefunded` = `amount` WHERE `status` = 'REFUNDED';

-- A refund that fails gives its debit back: PAYMENT_REFUND_REVERSAL, linked to the refund like its debit.
ALTER TABLE `LedgerEntry`
    MODIFY `type` ENUM('OPENING', 'PAYOUT_DEBIT', 'PAYOUT_REFUND', 'PAYMENT_CREDIT', 'PAYMENT_REFUND', 'PAYMENT_REFUND_REVERSAL', 'ADJUSTMENT') NOT NULL,
    ADD COLUMN `refundId` VARCHAR(32) NULL;

-- CreateTable
CREATE TABLE `Refund` (
    `id` VARCHAR(32) NOT NULL,
    `merchantId` VARCHAR(32) NOT NULL,
    `transactionId` VARCHAR(32) NOT NULL,
    `amount` INTEGER NOT NULL,
    `currency` CHAR(3) NOT NULL DEFAULT 'PKR',
    `status` ENUM('PENDING', 'SUCCEEDED', 'FAILED') NOT NULL DEFAULT 'PENDING',
    `reason` VARCHAR(255) NULL,
    `scenario` VARCHAR(32) NOT NULL,
    `failureCode` VARCHAR(64) NULL,
    `failureMessage` VARCHAR(255) NULL,
    `nextTransitionAt` DATETIME(3) NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    INDEX `Refund_merchantId_createdAt_id_idx`(`merchantId`, `createdAt`, `id`),
    INDEX `Refund_merchantId_status_createdAt_idx`(`merchantId`, `status`, `createdAt`),
    INDEX `Refund_transactionId_createdAt_idx`(`transactionId`, `createdAt`),
    INDEX `Refund_nextTransitionAt_idx`(`nextTransitionAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- Scenario 8's automatic refunds made before refunds were objects get theirs (ids from the transaction).
INSERT INTO `Refund` (`id`, `merchantId`, `transactionId`, `amount`, `currency`, `status`, `reason`, `scenario`, `createdAt`, `updatedAt`)
SELECT CONCAT('re_', SUBSTRING(SHA2(CONCAT('refund:', `id`), 256), 1, 24)), `merchantId`, `id`, `amount`, `currency`,
       'SUCCEEDED', 'scenario REVERSED', `scenario`, `updatedAt`, `updatedAt`
  FROM `PaymentTransaction` WHERE `status` = 'REFUNDED';

UPDATE `LedgerEntry` l JOIN `Refund` r ON r.`transactionId` = l.`transactionId`
   SET l.`refundId` = r.`id`
 WHERE l.`type` = 'PAYMENT_REFUND';

-- "Refund once" and a refund's ledger lines.
CREATE INDEX `LedgerEntry_refundId_idx` ON `LedgerEntry`(`refundId`);

-- AddForeignKey
ALTER TABLE `LedgerEntry` ADD CONSTRAINT `LedgerEntry_refundId_fkey` FOREIGN KEY (`refundId`) REFERENCES `Refund`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `Refund` ADD CONSTRAINT `Refund_merchantId_fkey` FOREIGN KEY (`merchantId`) REFERENCES `Merchant`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `Refund` ADD CONSTRAINT `Refund_transactionId_fkey` FOREIGN KEY (`transactionId`) REFERENCES `PaymentTransaction`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
