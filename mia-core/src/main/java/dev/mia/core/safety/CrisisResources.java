package dev.mia.core.safety;

import java.util.List;

/** Crisis resources for a deployment; {@link #unitedStates()} is the default. */
public final class CrisisResources {
  private CrisisResources() {}

  /** {@return the US lines: 988 by call or text, Crisis Text Line, and emergency services} */
  public static List<CrisisResource> unitedStates() {
    return List.of(
        new CrisisResource(
            "988 Suicide & Crisis Lifeline",
            "Call or text 988",
            "Free and confidential, 24/7, for anyone in emotional distress."),
        new CrisisResource(
            "Crisis Text Line",
            "Text HOME to 741741",
            "Free, 24/7 support from a trained crisis counselor by text."),
        new CrisisResource(
            "Emergency services",
            "Call 911",
            "If you are in immediate danger, call your local emergency number now."));
  }
}
