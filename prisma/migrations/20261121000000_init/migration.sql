-- CreateTable
CREATE TABLE `Merchant` (
    `id` VARCHAR(32) NOT NULL,
    `name` VARCHAR(191) NOT NULL,
    `email` VARCHAR(191) NOT NULL,
    `passwordHash` VARCHAR(100) NOT NULL,
    `status` ENUM('ACTIVE', 'SUSPENDED') NOT NULL DEFAULT 'ACTIVE',
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    UNIQUE INDEX `Merchant_email_key`(`email`),
    INDEX `Merchant_createdAt_idx`(`createdAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `MerchantBalance` (
    `merchantId` VARCHAR(32) NOT NULL,
    `currency` CHAR(3) NOT NULL DEFAULT 'PKR',
    `available` BIGINT NOT NULL DEFAULT 0,
    `pending` BIGINT NOT NULL DEFAULT 0,
    `version` INTEGER NOT NULL DEFAULT 0,
    `updatedAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`merchantId`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `LedgerEntry` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `merchantId` VARCHAR(32) NOT NULL,
    `type` ENUM('OPENING', 'PAYOUT_DEBIT', 'PAYOUT_REFUND', 'PAYMENT_CREDIT', 'PAYMENT_REFUND', 'ADJUSTMENT') NOT NULL,
    `amount` BIGINT NOT NULL,
    `balanceAfter` BIGINT NOT NULL,
    `payoutId` VARCHAR(32) NULL,
    `transactionId` VARCHAR(32) NULL,
    `description` VARCHAR(255) NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `LedgerEntry_merchantId_id_idx`(`merchantId`, `id`),
    INDEX `LedgerEntry_payoutId_idx`(`payoutId`),
    INDEX `LedgerEntry_transactionId_idx`(`transactionId`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `Payout` (
    `id` VARCHAR(32) NOT NULL,
    `merchantId` VARCHAR(32) NOT NULL,
    `amount` INTEGER NOT NULL,
    `currency` CHAR(3) NOT NULL DEFAULT 'PKR',
    `destinationType` ENUM('wallet', 'bank') NOT NULL,
    `provider` VARCHAR(32) NOT NULL,
    `accountNumber` VARCHAR(64) NOT NULL,
    `accountTitle` VARCHAR(191) NULL,
    `reference` VARCHAR(191) NOT NULL,
    `description` VARCHAR(500) NULL,
    `metadata` JSON NULL,
    `status` ENUM('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'REVERSED') NOT NULL DEFAULT 'PENDING',
    `scenario` VARCHAR(32) NOT NULL,
    `failureCode` VARCHAR(64) NULL,
    `failureMessage` VARCHAR(255) NULL,
    `nextTransitionAt` DATETIME(3) NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    UNIQUE INDEX `Payout_merchantId_reference_key`(`merchantId`, `reference`),
    INDEX `Payout_merchantId_createdAt_id_idx`(`merchantId`, `createdAt`, `id`),
    INDEX `Payout_merchantId_status_createdAt_idx`(`merchantId`, `status`, `createdAt`),
    INDEX `Payout_nextTransitionAt_idx`(`nextTransitionAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `PayoutEvent` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `payoutId` VARCHAR(32) NOT NULL,
    `status` ENUM('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'REVERSED') NOT NULL,
    `reason` VARCHAR(255) NULL,
    `at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `PayoutEvent_payoutId_id_idx`(`payoutId`, `id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `Checkout` (
    `id` VARCHAR(32) NOT NULL,
    `merchantId` VARCHAR(32) NOT NULL,
    `amount` INTEGER NOT NULL,
    `currency` CHAR(3) NOT NULL DEFAULT 'PKR',
    `orderId` VARCHAR(191) NOT NULL,
    `customerMobile` VARCHAR(32) NULL,
    `customerEmail` VARCHAR(191) NULL,
    `successUrl` VARCHAR(2048) NOT NULL,
    `cancelUrl` VARCHAR(2048) NOT NULL,
    `status` ENUM('OPEN', 'COMPLETED', 'EXPIRED', 'CANCELLED') NOT NULL DEFAULT 'OPEN',
    `expiresAt` DATETIME(3) NOT NULL,
    `completedAt` DATETIME(3) NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    INDEX `Checkout_merchantId_createdAt_id_idx`(`merchantId`, `createdAt`, `id`),
    INDEX `Checkout_status_expiresAt_idx`(`status`, `expiresAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `PaymentTransaction` (
    `id` VARCHAR(32) NOT NULL,
    `merchantId` VARCHAR(32) NOT NULL,
    `checkoutId` VARCHAR(32) NOT NULL,
    `amount` INTEGER NOT NULL,
    `currency` CHAR(3) NOT NULL DEFAULT 'PKR',
    `provider` VARCHAR(32) NOT NULL,
    `mobile` VARCHAR(32) NOT NULL,
    `status` ENUM('PENDING', 'SUCCEEDED', 'FAILED', 'REFUNDED') NOT NULL DEFAULT 'PENDING',
    `scenario` VARCHAR(32) NOT NULL,
    `failureCode` VARCHAR(64) NULL,
    `failureMessage` VARCHAR(255) NULL,
    `nextTransitionAt` DATETIME(3) NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    INDEX `PaymentTransaction_merchantId_createdAt_id_idx`(`merchantId`, `createdAt`, `id`),
    INDEX `PaymentTransaction_merchantId_status_createdAt_idx`(`merchantId`, `status`, `createdAt`),
    INDEX `PaymentTransaction_checkoutId_createdAt_idx`(`checkoutId`, `createdAt`),
    INDEX `PaymentTransaction_nextTransitionAt_idx`(`nextTransitionAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `ApiKey` (
    `id` VARCHAR(32) NOT NULL,
    `merchantId` VARCHAR(32) NOT NULL,
    `name` VARCHAR(100) NOT NULL,
    `prefix` VARCHAR(16) NOT NULL,
    `hash` CHAR(64) NOT NULL,
    `scope` ENUM('payout', 'payment', 'all') NOT NULL,
    `lastUsedAt` DATETIME(3) NULL,
    `revokedAt` DATETIME(3) NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `ApiKey_hash_key`(`hash`),
    INDEX `ApiKey_merchantId_createdAt_idx`(`merchantId`, `createdAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `WebhookEndpoint` (
    `id` VARCHAR(32) NOT NULL,
    `merchantId` VARCHAR(32) NOT NULL,
    `url` VARCHAR(2048) NOT NULL,
    `secret` VARCHAR(100) NOT NULL,
    `description` VARCHAR(255) NULL,
    `events` JSON NULL,
    `enabled` BOOLEAN NOT NULL DEFAULT true,
    `disabledAt` DATETIME(3) NULL,
    `disabledReason` VARCHAR(255) NULL,
    `deletedAt` DATETIME(3) NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    INDEX `WebhookEndpoint_merchantId_enabled_idx`(`merchantId`, `enabled`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `WebhookEvent` (
    `id` VARCHAR(32) NOT NULL,
    `seq` BIGINT NOT NULL AUTO_INCREMENT,
    `merchantId` VARCHAR(32) NOT NULL,
    `type` VARCHAR(64) NOT NULL,
    `payload` JSON NOT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `WebhookEvent_seq_key`(`seq`),
    INDEX `WebhookEvent_merchantId_createdAt_id_idx`(`merchantId`, `createdAt`, `id`),
    INDEX `WebhookEvent_merchantId_seq_idx`(`merchantId`, `seq`),
    INDEX `WebhookEvent_merchantId_type_createdAt_idx`(`merchantId`, `type`, `createdAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `WebhookDelivery` (
    `id` VARCHAR(32) NOT NULL,
    `eventId` VARCHAR(32) NOT NULL,
    `endpointId` VARCHAR(32) NOT NULL,
    `status` ENUM('PENDING', 'DELIVERED', 'FAILED') NOT NULL DEFAULT 'PENDING',
    `attemptCount` INTEGER NOT NULL DEFAULT 0,
    `nextAttemptAt` DATETIME(3) NULL,
    `lastAttemptAt` DATETIME(3) NULL,
    `lastStatusCode` INTEGER NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    INDEX `WebhookDelivery_nextAttemptAt_idx`(`nextAttemptAt`),
    INDEX `WebhookDelivery_eventId_idx`(`eventId`),
    INDEX `WebhookDelivery_endpointId_status_createdAt_idx`(`endpointId`, `status`, `createdAt`),
    INDEX `WebhookDelivery_status_createdAt_idx`(`status`, `createdAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `WebhookAttempt` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `deliveryId` VARCHAR(32) NOT NULL,
    `attemptNumber` INTEGER NOT NULL,
    `statusCode` INTEGER NULL,
    `latencyMs` INTEGER NOT NULL,
    `responseExcerpt` TEXT NULL,
    `error` VARCHAR(500) NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `WebhookAttempt_deliveryId_id_idx`(`deliveryId`, `id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `IdempotencyRecord` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `merchantId` VARCHAR(32) NOT NULL,
    `key` VARCHAR(255) NOT NULL,
    `endpoint` VARCHAR(191) NOT NULL,
    `requestHash` CHAR(64) NOT NULL,
    `state` ENUM('IN_PROGRESS', 'COMPLETED') NOT NULL DEFAULT 'IN_PROGRESS',
    `responseStatus` INTEGER NULL,
    `responseBody` JSON NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `expiresAt` DATETIME(3) NOT NULL,

    UNIQUE INDEX `IdempotencyRecord_merchantId_key_key`(`merchantId`, `key`),
    INDEX `IdempotencyRecord_expiresAt_idx`(`expiresAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `AdminUser` (
    `id` VARCHAR(32) NOT NULL,
    `email` VARCHAR(191) NOT NULL,
    `name` VARCHAR(191) NOT NULL,
    `passwordHash` VARCHAR(100) NOT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    UNIQUE INDEX `AdminUser_email_key`(`email`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `LoginAttempt` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `realm` ENUM('MERCHANT', 'ADMIN') NOT NULL,
    `email` VARCHAR(191) NOT NULL,
    `success` BOOLEAN NOT NULL,
    `ip` VARCHAR(64) NULL,
    `userAgent` VARCHAR(500) NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `LoginAttempt_realm_email_createdAt_idx`(`realm`, `email`, `createdAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `AuditLog` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `actorType` VARCHAR(16) NOT NULL,
    `actorId` VARCHAR(191) NULL,
    `action` VARCHAR(64) NOT NULL,
    `targetType` VARCHAR(32) NULL,
    `targetId` VARCHAR(191) NULL,
    `merchantId` VARCHAR(32) NULL,
    `ip` VARCHAR(64) NULL,
    `userAgent` VARCHAR(500) NULL,
    `before` JSON NULL,
    `after` JSON NULL,
    `requestId` VARCHAR(128) NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `AuditLog_createdAt_id_idx`(`createdAt`, `id`),
    INDEX `AuditLog_merchantId_createdAt_idx`(`merchantId`, `createdAt`),
    INDEX `AuditLog_actorId_createdAt_idx`(`actorId`, `createdAt`),
    INDEX `AuditLog_action_createdAt_idx`(`action`, `createdAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `Bank` (
    `code` VARCHAR(32) NOT NULL,
    `name` VARCHAR(191) NOT NULL,
    `ibanPrefix` VARCHAR(8) NULL,

    PRIMARY KEY (`code`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `Wallet` (
    `code` VARCHAR(32) NOT NULL,
    `name` VARCHAR(191) NOT NULL,

    PRIMARY KEY (`code`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `Scenario` (
    `key` VARCHAR(32) NOT NULL,
    `number` INTEGER NOT NULL,
    `mobile` VARCHAR(16) NOT NULL,
    `bankAccount` VARCHAR(16) NOT NULL,
    `description` VARCHAR(255) NOT NULL,
    `payoutOutcome` VARCHAR(255) NOT NULL,
    `paymentOutcome` VARCHAR(255) NOT NULL,
    `verifyOutcome` VARCHAR(255) NOT NULL,
    `delayMs` INTEGER NOT NULL DEFAULT 0,

    UNIQUE INDEX `Scenario_number_key`(`number`),
    UNIQUE INDEX `Scenario_mobile_key`(`mobile`),
    UNIQUE INDEX `Scenario_bankAccount_key`(`bankAccount`),
    PRIMARY KEY (`key`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `MerchantBalance` ADD CONSTRAINT `MerchantBalance_merchantId_fkey` FOREIGN KEY (`merchantId`) REFERENCES `Merchant`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `LedgerEntry` ADD CONSTRAINT `LedgerEntry_merchantId_fkey` FOREIGN KEY (`merchantId`) REFERENCES `Merchant`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `LedgerEntry` ADD CONSTRAINT `LedgerEntry_payoutId_fkey` FOREIGN KEY (`payoutId`) REFERENCES `Payout`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `LedgerEntry` ADD CONSTRAINT `LedgerEntry_transactionId_fkey` FOREIGN KEY (`transactionId`) REFERENCES `PaymentTransaction`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `Payout` ADD CONSTRAINT `Payout_merchantId_fkey` FOREIGN KEY (`merchantId`) REFERENCES `Merchant`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `PayoutEvent` ADD CONSTRAINT `PayoutEvent_payoutId_fkey` FOREIGN KEY (`payoutId`) REFERENCES `Payout`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `Checkout` ADD CONSTRAINT `Checkout_merchantId_fkey` FOREIGN KEY (`merchantId`) REFERENCES `Merchant`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `PaymentTransaction` ADD CONSTRAINT `PaymentTransaction_merchantId_fkey` FOREIGN KEY (`merchantId`) REFERENCES `Merchant`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `PaymentTransaction` ADD CONSTRAINT `PaymentTransaction_checkoutId_fkey` FOREIGN KEY (`checkoutId`) REFERENCES `Checkout`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `ApiKey` ADD CONSTRAINT `ApiKey_merchantId_fkey` FOREIGN KEY (`merchantId`) REFERENCES `Merchant`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `WebhookEndpoint` ADD CONSTRAINT `WebhookEndpoint_merchantId_fkey` FOREIGN KEY (`merchantId`) REFERENCES `Merchant`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `WebhookEvent` ADD CONSTRAINT `WebhookEvent_merchantId_fkey` FOREIGN KEY (`merchantId`) REFERENCES `Merchant`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `WebhookDelivery` ADD CONSTRAINT `WebhookDelivery_eventId_fkey` FOREIGN KEY (`eventId`) REFERENCES `WebhookEvent`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `WebhookDelivery` ADD CONSTRAINT `WebhookDelivery_endpointId_fkey` FOREIGN KEY (`endpointId`) REFERENCES `WebhookEndpoint`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `WebhookAttempt` ADD CONSTRAINT `WebhookAttempt_deliveryId_fkey` FOREIGN KEY (`deliveryId`) REFERENCES `WebhookDelivery`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `IdempotencyRecord` ADD CONSTRAINT `IdempotencyRecord_merchantId_fkey` FOREIGN KEY (`merchantId`) REFERENCES `Merchant`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `AuditLog` ADD CONSTRAINT `AuditLog_merchantId_fkey` FOREIGN KEY (`merchantId`) REFERENCES `Merchant`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;
