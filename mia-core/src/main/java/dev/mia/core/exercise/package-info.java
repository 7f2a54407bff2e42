/**
 * Guided exercises (breathing, grounding…) that Mia offers when a message speaks of anxiety or
 * panic, or raises a crisis alert: data an operator can replace, and the choice of which fit.
 */
package dev.mia.core.exercise;
