/**
 * Measures safety-tier and age detection on a labelled set: {@link dev.mia.eval.LabelledSet} reads
 * the JSON Lines format of {@code shared/eval/README.md}, {@link dev.mia.eval.DetectionReport}
 * scores a classifier and an age detector with raw counts, and {@link
 * dev.mia.eval.DetectionEvaluator} is the command-line tool ({@code docs/DETECTION.md}). A
 * development tool: it prints message texts, so it is for synthetic sets only.
 *
 * <p>It lives in its own module, mia-eval, so that none of it ships in mia-core's jar or in the
 * server: it scores the detectors through mia-core's public API only ({@code SafetyClassifiers},
 * {@code Profiles}, {@code SafetyClassifier}, {@code AgeDetector}, {@code SafetyTier}), as an
 * operator's own evaluation would.
 */
package dev.mia.eval;
