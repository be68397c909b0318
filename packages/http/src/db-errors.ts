// Database errors are classified in the database package (one home); re-exported for the HTTP layer's imports.
export { isDatabaseUnavailableError } from '@mypay/db';
