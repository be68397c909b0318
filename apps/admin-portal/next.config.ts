import { createNextConfig } from '@mypay/portal-server/next-config';

export default createNextConfig(import.meta.url);
