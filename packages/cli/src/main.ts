#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import {
  advanceClockCommand,
  createClockCommand,
  deleteClockCommand,
  getClockCommand,
  listClocksCommand,
} from './commands/clocks.ts';
import { listen } from './commands/listen.ts';
import { login } from './commands/login.ts';
import { logsCommand } from './commands/logs.ts';
import { createRefundCommand, getRefundCommand, listRefundsCommand } from './commands/refunds.ts';
import {
  balanceCommand,
  createPayoutCommand,
  getEventCommand,
  getPayoutCommand,
  listEventsCommand,
  listPayoutsCommand,
  parseAmount,
  resendEventCommand,
  scenariosCommand,
} from './commands/resources.ts';
import { trigger } from './commands/trigger.ts';
import {
  getEndpointCommand,
  listEndpointsCommand,
  rotateSecretCommand,
  updateEndpointCommand,
} from './commands/webhook-endpoints.ts';
import { clientFor, configPath, type GlobalOptions, listenSecret, newListenSecret, resolveConfig } from './config.ts';
import { EXIT_OK, EXIT_USAGE, err, maskKey, out, reportError, UsageError } from './output.ts';
import { TRIGGER_TARGETS } from './trigger-plans.ts';

/** Comma-separated and/or repeated values: `--events payout.*,payment.succeeded --events checkout.*`. */
const collectList = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

export function buildProgram(): Command {
  const program = new Command('mypay')
    .description(
      'The MyPay Sandbox from your terminal: listen and forward webhooks, trigger scenarios, inspect objects.',
    )
    .version('0.1.0')
    .option('--api-key <key>', 'API key (scope payout or all); env MYPAY_API_KEY')
    .option('--base-url <url>', 'Payout API origin (default http://127.0.0.1:4001); env MYPAY_BASE_URL')
    .option('--payment-api-key <key>', 'Payment API key (default: --api-key); env MYPAY_PAYMENT_API_KEY')
    .option(
      '--payment-base-url <url>',
      'Payment API origin (default: derived from --base-url); env MYPAY_PAYMENT_BASE_URL',
    )
    .option('--json', 'machine-readable JSON output')
    .showHelpAfterError('(run mypay --help for usage)')
    .exitOverride();

  // A key on the command line ends up in shell history and process lists, and `pnpm mypay …`
  // prints the command line it runs: say so (masked) and point to the safer ways.
  program.hook('preAction', () => {
    for (const [option, name] of [
      ['apiKey', '--api-key'],
      ['paymentApiKey', '--payment-api-key'],
    ] as const) {
      const value = program.getOptionValue(option);
      if (typeof value === 'string' && program.getOptionValueSource(option) === 'cli') {
        err(
          `warning: ${name} ${maskKey(value)} on the command line is kept in shell history and process lists (pnpm also prints the command it runs); set MYPAY_API_KEY or run \`mypay login\` (it reads the key from stdin) instead`,
        );
      }
    }
  });

  const globals = (command: Command) => command.optsWithGlobals() as GlobalOptions;
  const config = (command: Command) => resolveConfig(globals(command));
  const client = (command: Command) => clientFor(config(command));

  program
    .command('login')
    .description(
      `Store your API key and API URLs in ${configPath()} (mode 600); without --api-key or MYPAY_API_KEY the key is read from stdin`,
    )
    .option('--no-verify', 'store without checking the key against the API')
    .action(async (options: { verify: boolean }, command: Command) => {
      await login(globals(command), { verify: options.verify });
    });

  program
    .command('listen')
    .description("Stream your merchant's events; re-sign each with a local secret and forward it")
    .option('--forward-to <url>', 'POST every event here, like a webhook delivery')
    .option('--events <types>', 'only these types, e.g. payout.*,payment.succeeded (repeatable)', collectList, [])
    .option('--after <eventId>', 'start after this event (or "start" for every event); default: from now')
    .option('--print-secret', 'print the signing secret and exit')
    .option('--new-secret', 'sign with a fresh secret for this run only')
    .action(async (options, command: Command) => {
      const { json } = config(command);
      const secret = options.newSecret ? newListenSecret() : listenSecret().secret;
      if (options.printSecret) {
        out(json ? JSON.stringify({ secret }) : secret);
        return;
      }
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await listen(client(command), {
        forwardTo: options.forwardTo,
        events: options.events,
        after: options.after,
        secret,
        json,
        signal: controller.signal,
      });
    });

  program
    .command('trigger')
    .description('Create the objects that produce an event or a scenario')
    .argument('<target>', `event type or scenario: ${TRIGGER_TARGETS.join(', ')}`)
    .option('--payment', 'for a scenario: pay a checkout instead of making a payout')
    .option('--bank', 'pay out to the bank account number instead of the wallet')
    .option('--amount <paisa>', 'amount in paisa', '10000')
    .option('--wait', 'wait until the async steps have happened (progress on stderr)')
    .option('--timeout <seconds>', 'how long --wait waits', '120')
    .option(
      '--clock <id>',
      'bind the payout or checkout to this test clock (clk_…): it moves when you advance the clock',
    )
    .action(async (target: string, options, command: Command) => {
      const timeout = Number(options.timeout);
      if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError('--timeout is a number of seconds');
      if (options.clock && options.wait) {
        throw new UsageError('a bound object moves only with its clock: leave out --wait and run mypay clocks advance');
      }
      await trigger(client(command), target, {
        payment: Boolean(options.payment),
        bank: Boolean(options.bank),
        amount: parseAmount(options.amount),
        wait: Boolean(options.wait),
        timeoutMs: timeout * 1000,
        json: config(command).json,
        clock: options.clock,
      });
    });

  const clocks = program
    .command('clocks')
    .description('Test clocks: move time forward for the objects bound to a clock (docs/test-clocks.md)');
  clocks
    .command('create')
    .description('Create a test clock (frozen at now unless --frozen-time)')
    .option('--name <name>')
    .option('--frozen-time <time>', 'where the clock starts, ISO-8601')
    .option('--idempotency-key <key>', 'default: a fresh one per command')
    .action(async (options, command: Command) =>
      createClockCommand(client(command), { ...options, json: config(command).json }),
    );
  clocks
    .command('list')
    .description('Your test clocks, newest first')
    .option('--limit <n>', '1–100', '20')
    .option('--cursor <cursor>', 'nextCursor of the previous page')
    .action(async (options, command: Command) =>
      listClocksCommand(client(command), { ...options, json: config(command).json }),
    );
  clocks
    .command('get')
    .argument('<id>', 'test clock id (clk_…)')
    .description('A test clock')
    .action(async (id: string, _options, command: Command) =>
      getClockCommand(client(command), id, config(command).json),
    );
  clocks
    .command('advance')
    .argument('<id>', 'test clock id (clk_…)')
    .argument('[step]', 'how far: 31s, 5m, 2h, 1h30m, 1d or seconds')
    .option('--to <time>', 'advance to this time (ISO-8601) instead of by a step')
    .description('Move the clock forward; every step due up to the new time happens before this returns')
    .action(async (id: string, step: string | undefined, options, command: Command) =>
      advanceClockCommand(client(command), id, step, { ...options, json: config(command).json }),
    );
  clocks
    .command('delete')
    .argument('<id>', 'test clock id (clk_…)')
    .description('Delete a test clock (its objects keep their state and stop moving)')
    .action(async (id: string, _options, command: Command) =>
      deleteClockCommand(client(command), id, config(command).json),
    );

  const payouts = program.command('payouts').description('Payouts');
  payouts
    .command('create')
    .description('Create a payout (the account number picks the scenario: mypay scenarios)')
    .requiredOption('--amount <paisa>', 'amount in paisa (150000 is PKR 1,500.00)')
    .option('--account <number>', 'wallet mobile 03XXXXXXXXX or bank account number')
    .option(
      '--iban <iban>',
      'a Pakistani IBAN (PK…, spaces allowed): its bank code names the bank, its last digits the scenario',
    )
    .option('--raast <mobile>', 'a Raast ID (the mobile number of the account): the mobile scenario numbers apply')
    .addOption(
      new Option('--type <type>', 'destination type (default: from the number)').choices([
        'wallet',
        'bank',
        'iban',
        'raast',
      ]),
    )
    .option('--provider <code>', 'wallet or bank code (default JAZZCASH / HBL; optional with --iban and --raast)')
    .option('--reference <ref>', 'your unique reference (default: generated)')
    .option('--title <name>', 'account title')
    .option('--description <text>')
    .option('--idempotency-key <key>', 'default: a fresh one per command')
    .action(async (options, command: Command) => {
      await createPayoutCommand(client(command), { ...options, json: config(command).json });
    });
  payouts
    .command('get')
    .argument('<id>', 'payout id (po_…)')
    .description('A payout with its status history')
    .action(async (id: string, _options, command: Command) =>
      getPayoutCommand(client(command), id, config(command).json),
    );
  payouts
    .command('list')
    .description('Payouts, newest first')
    .option('--status <status>', 'PENDING, PROCESSING, COMPLETED, FAILED or REVERSED')
    .option('--limit <n>', '1–100', '20')
    .option('--cursor <cursor>', 'nextCursor of the previous page')
    .action(async (options, command: Command) =>
      listPayoutsCommand(client(command), { ...options, json: config(command).json }),
    );

  const refunds = program.command('refunds').description('Refunds of payments (Payment API)');
  refunds
    .command('create')
    .description("Refund a payment, in full or in part (the payer's scenario decides the outcome)")
    .requiredOption('--transaction <id>', 'the payment to refund (txn_…)')
    .option('--amount <paisa>', 'amount in paisa (default: all that remains refundable)')
    .option('--reason <text>', 'your note, kept with the refund')
    .option('--idempotency-key <key>', 'default: a fresh one per command')
    .action(async (options, command: Command) =>
      createRefundCommand(client(command), { ...options, json: config(command).json }),
    );
  refunds
    .command('get')
    .argument('<id>', 'refund id (re_…)')
    .description('A refund')
    .action(async (id: string, _options, command: Command) =>
      getRefundCommand(client(command), id, config(command).json),
    );
  refunds
    .command('list')
    .description('Refunds, newest first')
    .option('--transaction <id>', 'refunds of this payment only')
    .option('--status <status>', 'PENDING, SUCCEEDED or FAILED')
    .option('--limit <n>', '1–100', '20')
    .option('--cursor <cursor>', 'nextCursor of the previous page')
    .action(async (options, command: Command) =>
      listRefundsCommand(client(command), { ...options, json: config(command).json }),
    );

  const webhooks = program.command('webhooks').description('Your webhook endpoints (Payout API)');
  webhooks
    .command('list')
    .description('Your webhook endpoints')
    .action(async (_options, command: Command) => listEndpointsCommand(client(command), config(command).json));
  webhooks
    .command('get')
    .argument('<id>', 'endpoint id (we_…)')
    .description('An endpoint with its delivery success over the last 24 h')
    .action(async (id: string, _options, command: Command) =>
      getEndpointCommand(client(command), id, config(command).json),
    );
  webhooks
    .command('update')
    .argument('<id>', 'endpoint id (we_…)')
    .description('Change an endpoint, or disable / enable it')
    .option('--url <url>', 'new URL')
    .option('--events <types>', 'only these event types (comma-separated, repeatable)', collectList, [])
    .option('--all-events', 'every event type')
    .option('--description <text>', 'new description ("" clears it)')
    .option('--enable', 'enable it (also one disabled for failing)')
    .option('--disable', 'disable it: it receives nothing until enabled again')
    .action(async (id: string, options, command: Command) =>
      updateEndpointCommand(client(command), id, { ...options, json: config(command).json }),
    );
  webhooks
    .command('rotate-secret')
    .argument('<id>', 'endpoint id (we_…)')
    .description('Roll the signing secret; the old one keeps signing deliveries during the overlap')
    .option('--overlap <seconds>', 'how long the old secret still signs (default 86400, at most 604800)')
    .option('--idempotency-key <key>', 'default: a fresh one per command')
    .action(async (id: string, options, command: Command) =>
      rotateSecretCommand(client(command), id, { ...options, json: config(command).json }),
    );

  program
    .command('balance')
    .description('Available and pending balance')
    .action(async (_options, command: Command) => balanceCommand(client(command), config(command).json));

  program
    .command('scenarios')
    .description('The test numbers and what each one does')
    .action(async (_options, command: Command) => scenariosCommand(client(command), config(command).json));

  const events = program.command('events').description('Events and their webhook deliveries');
  events
    .command('resend')
    .argument('<id>', 'event id (evt_…)')
    .description('Deliver an event again to your webhook endpoints')
    .option('--endpoint <id>', 'only this endpoint (we_…)')
    .action(async (id: string, options, command: Command) =>
      resendEventCommand(client(command), id, { ...options, json: config(command).json }),
    );
  events
    .command('list')
    .description('Your events, newest first')
    .option('--type <type>', 'one event type')
    .option('--limit <n>', '1–100', '20')
    .action(async (options, command: Command) =>
      listEventsCommand(client(command), { ...options, json: config(command).json }),
    );
  events
    .command('get')
    .argument('<id>', 'event id (evt_…)')
    .description('An event with its deliveries')
    .action(async (id: string, _options, command: Command) =>
      getEventCommand(client(command), id, config(command).json),
    );

  program
    .command('logs')
    .description('Your requests to both APIs, newest first (docs/debugging.md); --follow prints them as they happen')
    .option('--status <status>', 'a code like 422 or a class like 4xx')
    .option('--method <method>', 'GET, POST, PUT, PATCH or DELETE')
    .option('--path <prefix>', 'path prefix, e.g. /api/v1/payouts')
    .option('--object <id>', 'requests that created or read this object (po_…, cs_…, txn_…)')
    .option('--idempotency-key <key>', 'every try of one Idempotency-Key')
    .option('--from <time>', 'at or after (ISO-8601)')
    .option('--to <time>', 'at or before (ISO-8601)')
    .option('--limit <n>', '1–100', '20')
    .option('--cursor <cursor>', 'nextCursor of the previous page')
    .option('-f, --follow', 'keep polling and print one line per new request until Ctrl-C')
    .option('--interval <seconds>', 'how often --follow polls', '1')
    .action(async (options, command: Command) => {
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await logsCommand(client(command), { ...options, json: config(command).json }, controller.signal);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });

  return program;
}

/** Runs the CLI; resolves to the exit code (0 ok, 1 API error, 2 usage error). */
export async function main(argv: string[] = process.argv): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    const opts = program.opts() as GlobalOptions;
    const secrets = [opts.apiKey, opts.paymentApiKey, process.env.MYPAY_API_KEY, process.env.MYPAY_PAYMENT_API_KEY];
    return reportError(error, {
      json: Boolean(opts.json),
      secrets: secrets.filter((value): value is string => typeof value === 'string'),
    });
  }
}

/** Runs main() and exits with its code once stdout and stderr are flushed. */
export function runAndExit(argv: string[] = process.argv): void {
  main(argv).then((code) => {
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  });
}

// `node --import tsx packages/cli/src/main.ts …` (pnpm mypay: one process, so Ctrl-C reaches the CLI
// itself rather than racing the tsx CLI's signal relay to its child); the bin calls runAndExit itself.
if (/[\\/]cli[\\/]src[\\/]main\.ts$/.test(process.argv[1] ?? '')) runAndExit();
