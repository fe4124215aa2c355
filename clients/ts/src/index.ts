// Herald's TypeScript client: the generated messages and service descriptors
// (src/gen, written by `make generate` with protoc-gen-es v2; never edit them),
// and typed Connect v2 clients for each service. Pass any Connect transport, e.g.
// createGrpcTransport({ baseUrl: "http://127.0.0.1:50051" }) from @connectrpc/connect-node.
import { createClient, type Client, type Transport } from "@connectrpc/connect";

import { CampaignService } from "./gen/herald/v1/campaign_pb.js";
import { DeliveryService } from "./gen/herald/v1/delivery_pb.js";
import { DirectoryService } from "./gen/herald/v1/directory_pb.js";
import { InboxService } from "./gen/herald/v1/inbox_pb.js";
import { TemplateService } from "./gen/herald/v1/template_pb.js";

export * from "./gen/herald/v1/campaign_pb.js";
export * from "./gen/herald/v1/common_pb.js";
export * from "./gen/herald/v1/delivery_pb.js";
export * from "./gen/herald/v1/directory_pb.js";
export * from "./gen/herald/v1/inbox_pb.js";
export * from "./gen/herald/v1/options_pb.js";
export * from "./gen/herald/v1/template_pb.js";

export interface HeraldClients {
  delivery: Client<typeof DeliveryService>;
  campaigns: Client<typeof CampaignService>;
  templates: Client<typeof TemplateService>;
  directory: Client<typeof DirectoryService>;
  inbox: Client<typeof InboxService>;
}

export function createHeraldClients(transport: Transport): HeraldClients {
  return {
    delivery: createClient(DeliveryService, transport),
    campaigns: createClient(CampaignService, transport),
    templates: createClient(TemplateService, transport),
    directory: createClient(DirectoryService, transport),
    inbox: createClient(InboxService, transport),
  };
}
