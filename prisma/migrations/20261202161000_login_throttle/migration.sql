-- One row per (realm, email) a login was tried for: the row a login attempt locks
-- (SELECT … FOR UPDATE via INSERT … ON DUPLICATE KEY UPDATE) while it checks the lockout and
-- records itself, so concurrent wrong passwords for one account are counted one after another
-- and at most 5 reach the password check. It exists for unknown emails too (the lock must not
-- tell which emails have accounts).
CREATE TABLE `LoginThrottle` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `realm` ENUM('MERCHANT', 'ADMIN') NOT NULL,
    `email` VARCHAR(191) NOT NULL,
    `lastAttemptAt` DATETIME(3) NOT NULL,

    UNIQUE INDEX `LoginThrottle_realm_email_key`(`realm`, `email`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
