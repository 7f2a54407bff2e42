/**
 * The port to a language model, free of any transport: the engine asks a {@link
 * dev.mia.core.model.ChatModel} to {@link dev.mia.core.model.ChatModel#stream stream} a reply to a
 * {@link dev.mia.core.model.ModelRequest}, and hears it through a {@link
 * dev.mia.core.model.ModelListener}; a {@link dev.mia.core.model.ReplyStream} cancels it and a
 * {@link dev.mia.core.model.ModelFailure} says why it failed.
 *
 * <p>{@link dev.mia.core.model.OfflineChatModel} answers with no network at all. The clients for
 * OpenAI-compatible endpoints live in {@link dev.mia.core.model.openai}.
 */
package dev.mia.core.model;
