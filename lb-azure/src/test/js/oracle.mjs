// An independent ARM client for the Azure provider's integration tests: the Azure SDK for
// JavaScript, pointed at the simulator. It reads what the provider wrote and writes through the
// long-running-operation protocol with the SDK's own poller (core-lro), so the simulator is not
// only checked against the Java client it was written with.
//
//   node oracle.mjs get <loadBalancers|publicIPAddresses|networkSecurityGroups> NAME
//   node oracle.mjs list publicIPAddresses
//   node oracle.mjs put <loadBalancers|publicIPAddresses> NAME < body.json
//
// Environment: ARM_ENDPOINT (https), ARM_SUBSCRIPTION, ARM_RESOURCE_GROUP, and NODE_EXTRA_CA_CERTS
// naming the simulator's certificate. Prints one JSON document on stdout.
import { NetworkManagementClient } from "@azure/arm-network";

const [command, type, name] = process.argv.slice(2);
const endpoint = process.env.ARM_ENDPOINT;
const group = process.env.ARM_RESOURCE_GROUP;
// A static token: the simulator does not check it, and @azure/identity is not needed.
const credential = {
  getToken: async () => ({ token: "fairlead-js-oracle", expiresOnTimestamp: Date.now() + 3600_000 }),
};
const client = new NetworkManagementClient(credential, process.env.ARM_SUBSCRIPTION, {
  endpoint,
  credentialScopes: [`${endpoint}/.default`],
  retryOptions: { maxRetries: 0 },
});
const operations = {
  loadBalancers: client.loadBalancers,
  publicIPAddresses: client.publicIPAddresses,
  networkSecurityGroups: client.networkSecurityGroups,
};

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

async function main() {
  const ops = operations[type];
  if (!ops) throw new Error(`unknown type ${type}`);
  switch (command) {
    case "get":
      return ops.get(group, name);
    case "list": {
      const out = [];
      for await (const item of ops.list(group)) out.push(item);
      return out;
    }
    case "put": {
      const body = await readStdin();
      // beginCreateOrUpdateAndWait: the first PUT, then core-lro polls Azure-AsyncOperation
      // (honouring Retry-After) until the operation ends, then reads the resource.
      return ops.beginCreateOrUpdateAndWait(group, name, body, { updateIntervalInMs: 100 });
    }
    default:
      throw new Error(`unknown command ${command}`);
  }
}

main().then(
  (result) => process.stdout.write(JSON.stringify(result) + "\n"),
  (error) => {
    process.stderr.write(`${error.code ?? ""} ${error.statusCode ?? ""} ${error.message}\n`);
    process.exit(1);
  },
);
