// Resource Groups Tagging API clients, one per Region (the API is regional), with the guard's retry and
// timeout settings. A module of its own so that only the sweep's bundle carries this SDK client.
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { clientDefaults } from './clientDefaults';

export class TaggingClientPool {
  private readonly clients = new Map<string, ResourceGroupsTaggingAPIClient>();

  get(region: string): ResourceGroupsTaggingAPIClient {
    let client = this.clients.get(region);
    if (!client) {
      client = new ResourceGroupsTaggingAPIClient({ region, ...clientDefaults });
      this.clients.set(region, client);
    }
    return client;
  }
}
