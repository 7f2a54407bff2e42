/**
 * Mia's conversation engine, with no transport in it.
 *
 * <p>Start at {@link dev.mia.core.conversation.ConversationEngine}: it runs one user message at a
 * time per session through safety, age and mode detection and streams the model's reply to a {@link
 * dev.mia.core.conversation.ReplyListener}. Everything it decides with is behind a small interface
 * an embedding application may replace: {@link dev.mia.core.session.SessionStore}, {@link
 * dev.mia.core.safety.SafetyClassifier}, {@link dev.mia.core.profile.AgeDetector}, {@link
 * dev.mia.core.profile.ModeSelector} and {@link dev.mia.core.model.ChatModel}. Types are non-null
 * by default; absent values are {@link java.util.Optional}.
 */
package dev.mia.core;
