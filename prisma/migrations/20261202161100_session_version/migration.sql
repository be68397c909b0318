-- Per-user session version: every portal session token carries the version it was issued
-- under, and a session resolves only while it still equals the account's. Logout, a password
-- change or reset and disabling an admin add one, which ends every session issued before.
ALTER TABLE `Merchant` ADD COLUMN `sessionVersion` INT NOT NULL DEFAULT 0;

ALTER TABLE `AdminUser` ADD COLUMN `sessionVersion` INT NOT NULL DEFAULT 0;
