-- Set when someone else chose the password (the production seed from SEED_ADMIN_PASSWORD, an
-- admin's reset of a merchant's password): the portal then allows nothing but a password change.
ALTER TABLE `Merchant` ADD COLUMN `mustChangePassword` BOOLEAN NOT NULL DEFAULT false;

ALTER TABLE `AdminUser` ADD COLUMN `mustChangePassword` BOOLEAN NOT NULL DEFAULT false;

-- A disabled admin can no longer log in and its sessions end (its session version moves on too).
ALTER TABLE `AdminUser` ADD COLUMN `disabledAt` DATETIME(3) NULL;
