// A NevGrains client in JavaScript, built only from protos/ (no generated code, no C# types):
// runs the product owner's question as one scenario, then a streamed batch, and checks what comes back.
// Usage: node client.mjs <host:port> [api-key]        Exit code 0 = every check passed.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';

const [address, apiKey] = process.argv.slice(2);
if (!address) {
  console.error('usage: node client.mjs <host:port> [api-key]');
  process.exit(64);
}

const protos = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../protos');
const definition = protoLoader.loadSync(
  ['nevgrains/v1/scenarios.proto', 'nevgrains/v1/batches.proto'],
  { includeDirs: [protos], keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
const v1 = grpc.loadPackageDefinition(definition).nevgrains.v1;
const credentials = grpc.credentials.createInsecure();
const metadata = new grpc.Metadata();
if (apiKey) metadata.set('x-api-key', apiKey);
const deadline = () => Date.now() + 120_000;

const scenarios = new v1.ScenarioService(address, credentials);
const batches = new v1.BatchService(address, credentials);

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

// The standard error details (grpc-status-details-bin): a wire-compatible subset of google/rpc/status.proto and
// error_details.proto, enough to read every field violation of an INVALID_ARGUMENT.
const rpc = protobuf.Root.fromJSON({ nested: { google: { nested: { rpc: { nested: {
  Any: { fields: { typeUrl: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
  Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 }, details: { rule: 'repeated', type: 'Any', id: 3 } } },
  BadRequest: {
    fields: { fieldViolations: { rule: 'repeated', type: 'FieldViolation', id: 1 } },
    nested: { FieldViolation: { fields: { field: { type: 'string', id: 1 }, description: { type: 'string', id: 2 } } } },
  },
} } } } } });

function fieldViolations(error) {
  const [bytes] = error.metadata?.get('grpc-status-details-bin') ?? [];
  if (!bytes) return [];
  const status = rpc.lookupType('google.rpc.Status').decode(bytes);
  return status.details
    .filter((any) => any.typeUrl === 'type.googleapis.com/google.rpc.BadRequest')
    .flatMap((any) => rpc.lookupType('google.rpc.BadRequest').decode(any.value).fieldViolations);
}

function unary(client, method, request) {
  return new Promise((resolve, reject) =>
    client[method](request, metadata, { deadline: deadline() }, (error, response) => (error ? reject(error) : resolve(response))));
}

const euMarkets = ['de', 'fr', 'it', 'es', 'hu', 'pl', 'se', 'dk', 'pt', 'gr', 'bg', 'cy'];

const szegedLate = {
  name: 'node-szeged-late',
  horizon: 2030,
  levers: [
    { plant: { plant: 'byd-szeged', startDelayMonths: 12 } },
    { priceUndertaking: { jurisdiction: 'eu', brand: 'byd', minImportPriceUsd: 35000, from: '2026-01-01', powertrains: ['POWERTRAIN_BEV'] } },
  ],
};

// 1. One scenario against its base.
const compared = await unary(scenarios, 'CompareScenario', {
  scenario: szegedLate,
  filter: { owners: ['byd'], markets: euMarkets, years: [2027] },
});
check(compared.scenario === 'node-szeged-late', `scenario name echoed, got ${compared.scenario}`);
check(compared.cells.length > 0, 'cells returned');
const base = compared.cells.reduce((sum, c) => sum + c.baseUnits, 0);
const late = compared.cells.reduce((sum, c) => sum + c.scenarioUnits, 0);
check(late < base, `BYD EU 2027 units fall: base ${base.toFixed(0)}, scenario ${late.toFixed(0)}`);
console.log(`CompareScenario: BYD EU 2027 ${base.toFixed(0)} -> ${late.toFixed(0)} units (${compared.cells.length} cells)`);

// 2. Bad input is refused with every field named, in the standard error details.
try {
  await unary(scenarios, 'RunScenario', {
    scenario: { name: 'bad', horizon: 2100, levers: [{ tariff: { jurisdiction: 'eu', rate: -1, from: '2026-01-01' } }] },
  });
  throw new Error('check failed: a horizon of 2100 was accepted');
} catch (error) {
  if (error.message.startsWith('check failed')) throw error;
  check(error.code === grpc.status.INVALID_ARGUMENT, `INVALID_ARGUMENT, got ${error.code}`);
  check(error.details.startsWith('scenario.horizon'), `field named, got "${error.details}"`);
  const fields = fieldViolations(error).map((v) => v.field);
  check(fields.includes('scenario.horizon') && fields.includes('scenario.levers[0].tariff.rate'), `both violations listed, got ${fields}`);
  console.log(`RunScenario with horizon 2100 and a negative duty: INVALID_ARGUMENT, violations ${fields.join(', ')}`);
}

// 3. A streamed batch: the status first, then every result in order.
const batchId = `node-${process.pid}-${Date.now()}`;
const spec = {
  name: 'node-eu-duty',
  chunkSize: 2,
  scenarios: {
    scenarios: [0, 0.1, 0.2, 0.3, 0.4].map((rate, i) => ({
      name: `eu-duty-${i}`, horizon: 2028,
      levers: [{ tariff: { jurisdiction: 'eu', rate, from: '2026-01-01' } }],
    })),
    metrics: [{ name: 'byd-eu-units', metric: 'METRIC_KIND_UNITS', owner: 'byd', year: 2028, markets: ['eu'] }],
  },
};
const events = await new Promise((resolve, reject) => {
  const received = [];
  const call = batches.RunBatchStream({ batchId, spec }, metadata, { deadline: deadline() });
  call.on('data', (event) => received.push(event));
  call.on('error', reject);
  call.on('end', () => resolve(received));
});
check(events[0].event === 'status' && events[0].status.total === 5, 'status comes first with 5 items');
const results = events.slice(1).map((e) => e.result);
check(results.map((r) => r.index).join(',') === '0,1,2,3,4', `results in order, got ${results.map((r) => r.index)}`);
check(results.every((r) => !r.error && r.values.length === 1), 'every item has one value and no error');
const units = results.map((r) => r.values[0]);
check(units.every((u, i) => i === 0 || u <= units[i - 1] + 1e-6), `a higher duty never raises volume: ${units}`);
console.log(`RunBatchStream ${batchId}: ${results.length} results, BYD EU 2028 units ${units.map((u) => u.toFixed(0)).join(' > ')}`);

scenarios.close();
batches.close();
console.log('node client: all checks passed');
