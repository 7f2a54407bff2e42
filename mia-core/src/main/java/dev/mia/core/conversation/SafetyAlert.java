package dev.mia.core.conversation;

import dev.mia.core.safety.CrisisResource;
import dev.mia.core.safety.SafetyTier;
import java.util.List;
import java.util.Objects;

/**
 * A message signalled danger: shown to the user before the reply.
 *
 * @param tier {@link SafetyTier#MODERATE} or {@link SafetyTier#CRITICAL}
 * @param resources where to get help now, for the deployment's locale
 */
public record SafetyAlert(SafetyTier tier, List<CrisisResource> resources) {
  /** Checks the tier raises an alert and copies the resources. */
  public SafetyAlert {
    Objects.requireNonNull(tier, "tier == null");
    if (!tier.raisesAlert()) {
      throw new IllegalArgumentException("tier 1 raises no alert");
    }
    resources = List.copyOf(resources);
  }
}
