/**
 * Measures safety-tier and age detection on a labelled set: {@link dev.mia.core.eval.LabelledSet}
 * reads the JSON Lines format of {@code shared/eval/README.md}, {@link
 * dev.mia.core.eval.DetectionReport} scores a classifier and an age detector with raw counts, and
 * {@link dev.mia.core.eval.DetectionEvaluator} is the command-line tool ({@code
 * docs/DETECTION.md}). A development tool: it prints message texts, so it is for synthetic sets
 * only.
 */
package dev.mia.core.eval;
