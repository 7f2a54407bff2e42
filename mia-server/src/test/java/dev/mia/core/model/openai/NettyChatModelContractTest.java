package dev.mia.core.model.openai;

import dev.mia.server.model.NettyChatModel;
import java.time.Duration;

/**
 * The server's Netty model client against the same endpoint contract as mia-core's clients (this
 * test sits in the contract's package to extend it).
 */
class NettyChatModelContractTest extends StreamingEndpointContract {
  @Override
  Client newClient(String baseUrl, String modelName, double temperature, int retries) {
    NettyChatModel client =
        new NettyChatModel(
            baseUrl, "sk-test", modelName, temperature, retries, Duration.ofSeconds(5), 1);
    return client(client, client::close);
  }
}
