-- Pakistani accounts (issue 19): payouts to IBANs and Raast IDs, and each bank's IBAN bank code.

-- A bank's code inside its IBANs is 4 letters (`PK36HABB…` is HBL); the directory calls it ibanCode.
ALTER TABLE `Bank` CHANGE COLUMN `ibanPrefix` `ibanCode` VARCHAR(4) NULL;

-- Destination types: an IBAN (its bank code names the bank) and a Raast ID (a mobile alias).
ALTER TABLE `Payout` MODIFY COLUMN `destinationType` ENUM('wallet', 'bank', 'iban', 'raast') NOT NULL;
