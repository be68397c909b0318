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
    .requiredOption('--account <number>', 'wallet mobile 03XXXXXXXXX or bank account / IBAN')
    .addOption(new Option('--type <type>', 'destination type (default: from the number)').choices(['wallet', 'bank']))
    .option('--provider <code>', 'wallet or bank code (default JAZZCASH / HBL)')
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

// `tsx packages/cli/src/main.ts …` (pnpm mypay); the bin calls runAndExit itself.
if (/[\\/]cli[\\/]src[\\/]main\.ts$/.test(process.argv[1] ?? '')) runAndExit();
