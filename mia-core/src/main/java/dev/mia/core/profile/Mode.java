package dev.mia.core.profile;

/** How Mia speaks in a conversation. The names are part of the wire contract and never change. */
public enum Mode {
  /** The opening mode, and the fallback when nothing else applies. */
  GREETING,
  /** For children aged 5 to 12: learning through reflection. */
  MIRROR_LEARNING,
  /** For teenagers and adults, 13 and over. */
  EDUCATIONAL,
  /** The user asked for urgent help. */
  URGENCY,
  /** The user talks about donating, funding or building. */
  FUNDRAISING
}
