/**
 * Coverage-guided fuzz targets (Jazzer {@code @FuzzTest}). A plain {@code mvn verify} only replays the
 * committed inputs under {@code src/test/resources/dev/tern/coap/fuzz/<Class>Inputs/<method>/};
 * {@code scripts/fuzz.sh} runs them in fuzzing mode for a time box.
 */
package dev.tern.coap.fuzz;
