#!/usr/bin/env node
// An example agent service: a support desk's triage step. For each ticket it calls three
// slm-fleet tasks through @slm-fleet/client: classifies the ticket (JSON with an enum),
// extracts invoice fields (JSON with a schema), and streams a summary as it is generated.
//
//   node examples/agent-service/support-agent.js ["ticket text" ...]
//
// SLM_FLEET_TARGET is the router (127.0.0.1:50051, where `slm-fleet local` serves; in a
// cluster dns:///slm-fleet-router-grpc.<namespace>.svc:50051). CLASSIFY_TASK,
// EXTRACT_TASK and SUMMARIZE_TASK name the tasks (classify-ticket, extract-invoice, summarize).
import { createHash } from 'node:crypto';
import { SlmFleetClient, SlmFleetError } from '@slm-fleet/client';

const target = process.env.SLM_FLEET_TARGET ?? '127.0.0.1:50051';
const tasks = {
  classify: process.env.CLASSIFY_TASK ?? 'classify-ticket',
  extract: process.env.EXTRACT_TASK ?? 'extract-invoice',
  summarize: process.env.SUMMARIZE_TASK ?? 'summarize',
};

const SAMPLE_TICKETS = [
  'Hello, invoice INV-2024-117 charged us 249.00 EUR twice for order 5521. Please refund the duplicate.',
  'Our invoice INV-88 says 1200 USD but the contract price is 1000 USD. Can you send a corrected one?',
];

const triageSchema = {
  type: 'object',
  required: ['category', 'urgency'],
  properties: {
    category: { enum: ['billing', 'bug', 'account', 'other'] },
    urgency: { enum: ['low', 'normal', 'high'] },
  },
};

const invoiceSchema = {
  type: 'object',
  required: ['invoiceNumber', 'total', 'currency'],
  properties: {
    invoiceNumber: { type: 'string' },
    total: { type: 'number' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  },
};

// One client for the whole service: it keeps connections to every router and balances over them.
const client = new SlmFleetClient({ target, defaultTimeoutMs: 30_000 });

/** Triage one ticket: three tasks, each answered by the Specialist that serves it. */
async function triage(text) {
  // The ticket's identity: calls for the same ticket share a session, and each call's
  // idempotency key is derived from it, so a restart of this service that handles the ticket
  // again (within 10 minutes) gets the same answers without running the models again.
  const ticketId = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const common = { sessionKey: ticketId };
  const keyFor = (task) => ({ idempotencyKey: `${ticketId}.${task}` });
  console.log(`ticket ${ticketId}: ${text}`);

  const classified = await client.invoke(
    tasks.classify,
    { ...common, prompt: text, jsonSchema: triageSchema, parameters: { temperature: 0 } },
    keyFor('classify'),
  );
  console.log(`  ${tasks.classify} -> ${JSON.stringify(classified.json)} ${by(classified)}`);

  const extracted = await client.invoke(
    tasks.extract,
    {
      ...common,
      messages: [
        { role: 'system', content: 'Extract the invoice number, total and currency as JSON.' },
        { role: 'user', content: text },
      ],
      jsonSchema: invoiceSchema,
    },
    { ...keyFor('extract'), timeoutMs: 20_000 },
  );
  console.log(`  ${tasks.extract} -> ${JSON.stringify(extracted.json)} ${by(extracted)}`);

  process.stdout.write(`  ${tasks.summarize} -> `);
  for await (const chunk of client.invokeStream(
    tasks.summarize,
    { ...common, prompt: `Summarize for the support team in one sentence:\n${text}`, parameters: { maxTokens: 80 } },
    keyFor('summarize'),
  )) {
    if (chunk.type === 'delta') process.stdout.write(chunk.text);
    else if (chunk.type === 'done') process.stdout.write(` ${by(chunk.result)}\n`);
  }
}

const by = (result) => `(${result.answeredBy.specialist}, ${Math.round(result.timings.totalMs)} ms)`;

try {
  const tickets = process.argv.length > 2 ? process.argv.slice(2) : SAMPLE_TICKETS;
  for (const ticket of tickets) await triage(ticket);
} catch (error) {
  if (!(error instanceof SlmFleetError)) throw error;
  // code is the gRPC status, reason the router's stable reason (TASK_NOT_FOUND, ...).
  console.error(`support-agent: ${error.message} [code ${error.code}, reason ${error.reason || 'none'}]`);
  if (error.reason === 'TASK_NOT_FOUND') console.error('  set CLASSIFY_TASK, EXTRACT_TASK or SUMMARIZE_TASK');
  if (error.code === 'UNAVAILABLE') console.error(`  is a router serving on ${target}? (npx slm-fleet local)`);
  process.exitCode = 1;
} finally {
  client.close();
}
