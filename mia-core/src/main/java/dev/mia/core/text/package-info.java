/**
 * Shared plumbing for the detectors: {@link dev.mia.core.text.TextFolding} is the one base folding
 * of a chat message that both the safety classifier ({@code dev.mia.core.safety}) and the age
 * detector ({@code dev.mia.core.profile}) apply before their own passes, so the two read a message
 * the same way.
 *
 * <p>Not an extension point and not part of the embedding API: it is public only because the two
 * detectors live in different packages, and it changes with them. An application that replaces a
 * detector folds text however it likes.
 */
package dev.mia.core.text;
