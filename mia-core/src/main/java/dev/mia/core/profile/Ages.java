package dev.mia.core.profile;

import java.util.OptionalInt;

/** Turns matched digits into an age within the detector's range. */
final class Ages {
  private Ages() {}

  static OptionalInt checked(String digits) {
    // More than three digits cannot be an age and would overflow parseInt if long enough.
    if (digits.isEmpty() || digits.length() > 3) {
      return OptionalInt.empty();
    }
    return checked(Integer.parseInt(digits));
  }

  static OptionalInt checked(int age) {
    return age >= AgeDetector.MIN_AGE && age <= AgeDetector.MAX_AGE
        ? OptionalInt.of(age)
        : OptionalInt.empty();
  }
}
