-- Refunds follow their payment's test clock (docs/test-clocks.md): a refund of a bound payment is
-- bound too (`testClockId`), stamped with clock time, and its asynchronous outcome waits for an
-- advance of the clock (the refund worker skips bound rows). No foreign key, as for the other
-- bound rows: deleting a clock leaves its refunds as they are.
ALTER TABLE `Refund` ADD COLUMN `testClockId` VARCHAR(32) NULL;

-- The refund worker claims unbound due rows; an advance reads its clock's due refunds in due order.
CREATE INDEX `Refund_testClockId_nextTransitionAt_idx` ON `Refund`(`testClockId`, `nextTransitionAt`);
