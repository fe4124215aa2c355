// The TypeScript (Node) client example: sends one message to an In-App inbox and a webhook with
// SendMessage, then the same with SendMessageStream, and prints every result it receives.
//
//   npm ci && npx tsc -p examples     # compiles to dist-examples/
//   HERALD_TARGET=127.0.0.1:50051 HERALD_TOKEN=... HERALD_WEBHOOK_URL=https://example.com/hook \
//     node dist-examples/examples/send.js
//
// HERALD_TARGET (default 127.0.0.1:50051) is a plaintext gRPC endpoint; HERALD_TOKEN is sent as
// "authorization: Bearer <token>"; without HERALD_WEBHOOK_URL only the In-App channel is used;
// HERALD_USER_ID (default example-user) is the inbox the In-App message lands in.
import type { Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";

import { Channel, type ChannelResult, createHeraldClients } from "../src/index.js";

const target = process.env.HERALD_TARGET || "127.0.0.1:50051";
const token = process.env.HERALD_TOKEN || "";
const webhookUrl = process.env.HERALD_WEBHOOK_URL || "";

// Every call carries the bearer token.
const authorization: Interceptor = (next) => async (request) => {
  if (token) {
    request.header.set("authorization", `Bearer ${token}`);
  }
  return next(request);
};

function describe(result: ChannelResult): string {
  let line = `${Channel[result.channel]} success=${result.success}`;
  if (!result.success) {
    line += ` error_code=${result.errorCode}`;
  }
  return line;
}

async function main(): Promise<void> {
  const transport = createGrpcTransport({
    baseUrl: `http://${target}`,
    interceptors: [authorization],
  });
  const { delivery } = createHeraldClients(transport);

  const message = {
    subject: "Hello from TypeScript",
    body: "Sent by clients/ts/examples/send.ts.",
    channels: [Channel.IN_APP, ...(webhookUrl ? [Channel.WEBHOOK] : [])],
    userId: process.env.HERALD_USER_ID || "example-user",
    webhookUrl,
  };
  const options = { timeoutMs: 30_000 };

  // SendMessage waits for every channel's result.
  const response = await delivery.sendMessage(message, options);
  for (const result of response.results) {
    console.log(`SendMessage ${describe(result)}`);
  }

  // SendMessageStream yields each channel's result as it completes, then a summary.
  for await (const event of delivery.sendMessageStream({ message }, options)) {
    if (event.event.case === "result") {
      console.log(`SendMessageStream ${describe(event.event.value)}`);
    } else if (event.event.case === "summary") {
      const { total, succeeded, failed } = event.event.value;
      console.log(`SendMessageStream summary total=${total} succeeded=${succeeded} failed=${failed}`);
    }
  }
}

main().catch((error: unknown) => {
  console.error("send:", error);
  process.exit(1);
});
