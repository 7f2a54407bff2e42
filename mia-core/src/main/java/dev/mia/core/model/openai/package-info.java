/**
 * The OpenAI chat-completions wire protocol and the {@link dev.mia.core.model.ChatModel} clients
 * that speak it.
 *
 * <p>Two clients, both for any OpenAI-compatible endpoint: {@link
 * dev.mia.core.model.openai.OpenAiChatModel} on the official openai-java SDK, and {@link
 * dev.mia.core.model.openai.StreamingHttpChatModel} on the JDK's non-blocking HTTP client, which
 * reads the event stream as bytes and is the cheaper one per token. Both send the same request
 * (model, temperature, system prompt, history, new message) and report to a {@link
 * dev.mia.core.model.ModelListener} under the same contract.
 *
 * <p>The wire helpers {@link dev.mia.core.model.openai.ChatCompletionRequests} (the request body)
 * and {@link dev.mia.core.model.openai.ChatCompletionEvents} (the server-sent event stream) are
 * public only so that a client on another HTTP stack, mia-server's Netty client, sends and reads
 * exactly the same bytes; everything else here is package-private.
 */
package dev.mia.core.model.openai;
