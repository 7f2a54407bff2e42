package dev.mia.server.config;

import io.soabase.recordbuilder.core.RecordBuilder;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The voice endpoint's settings: how each voice conversation is set up at the OpenAI Realtime API,
 * and how much a client may send. An immutable value whose constructor checks every field, naming
 * the variable of a bad one in a {@link ConfigException}; {@link #DEFAULTS} are the seed's (model
 * {@code gpt-4o-realtime-preview}, voice {@code alloy}, PCM16 at 24 kHz, server VAD ending a turn
 * after 500 ms of silence, temperature 0.8, 4096 tokens a reply).
 *
 * @param model the Realtime model ({@code OPENAI_REALTIME_MODEL})
 * @param voice the voice Mia speaks with, e.g. {@code alloy}, {@code shimmer} ({@code
 *     MIA_REALTIME_VOICE})
 * @param audioFormat the audio format both ways: {@code pcm16} (16-bit mono at 24 kHz, little
 *     endian), {@code g711_ulaw} or {@code g711_alaw} ({@code MIA_REALTIME_AUDIO_FORMAT})
 * @param transcriptionModel the model that writes down what the user says: Mia's safety reads those
 *     transcripts, so transcription is always on ({@code MIA_REALTIME_TRANSCRIPTION_MODEL})
 * @param temperature the sampling temperature, 0.6 to 1.2 as the Realtime API accepts ({@code
 *     MIA_REALTIME_TEMPERATURE})
 * @param maxResponseTokens the longest reply, in tokens, 1 to 4096 ({@code
 *     MIA_REALTIME_MAX_TOKENS})
 * @param vadSilence the silence after which the Realtime API's voice activity detection ends the
 *     user's turn ({@code MIA_REALTIME_VAD_SILENCE})
 * @param connectTimeout how long reaching the Realtime API (connection, TLS and handshake) may take
 *     ({@code MIA_REALTIME_CONNECT_TIMEOUT})
 * @param maxAudioBytes the most audio, decoded, one client message may carry ({@code
 *     MIA_VOICE_MAX_AUDIO_BYTES})
 * @param maxBufferedBytes the most a client's messages may hold waiting to go to the Realtime API;
 *     beyond it a message is refused with {@code BUSY} ({@code MIA_VOICE_MAX_BUFFERED_BYTES})
 */
@RecordBuilder
@RecordBuilder.Options(enableWither = false)
public record RealtimeConfig(
    String model,
    String voice,
    String audioFormat,
    String transcriptionModel,
    double temperature,
    int maxResponseTokens,
    Duration vadSilence,
    Duration connectTimeout,
    int maxAudioBytes,
    int maxBufferedBytes) {

  /** The audio formats the Realtime API speaks. */
  public static final List<String> AUDIO_FORMATS = List.of("pcm16", "g711_ulaw", "g711_alaw");

  /** OpenAI's endpoint, when {@code OPENAI_BASE_URL} names no other. */
  public static final String OPENAI_API = "https://api.openai.com/v1";

  static final WholeNumber MAX_TOKENS = new WholeNumber("MIA_REALTIME_MAX_TOKENS", 1, 4096);
  // A client message is at most 1,000,000 bytes; base64 carries 3 bytes in 4.
  static final WholeNumber MAX_AUDIO_BYTES =
      new WholeNumber("MIA_VOICE_MAX_AUDIO_BYTES", 1, 750_000);
  static final WholeNumber MAX_BUFFERED_BYTES =
      new WholeNumber("MIA_VOICE_MAX_BUFFERED_BYTES", 1024, 256 * 1024 * 1024);

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final double MIN_TEMPERATURE = 0.6;
  private static final double MAX_TEMPERATURE = 1.2;
  private static final Duration MAX_VAD_SILENCE = Duration.ofSeconds(10);

  /**
   * Checks every field.
   *
   * @throws ConfigException naming the variable of the first field with a bad value
   */
  public RealtimeConfig {
    requireName("OPENAI_REALTIME_MODEL", model);
    requireName("MIA_REALTIME_VOICE", voice);
    Objects.requireNonNull(audioFormat, "audioFormat == null");
    audioFormat = audioFormat.toLowerCase(Locale.ROOT);
    if (!AUDIO_FORMATS.contains(audioFormat)) {
      throw new ConfigException(
          "MIA_REALTIME_AUDIO_FORMAT must be one of "
              + AUDIO_FORMATS
              + "; was '"
              + audioFormat
              + "'");
    }
    requireName("MIA_REALTIME_TRANSCRIPTION_MODEL", transcriptionModel);
    if (!(temperature >= MIN_TEMPERATURE && temperature <= MAX_TEMPERATURE)) {
      throw new ConfigException(
          "MIA_REALTIME_TEMPERATURE must be a number from 0.6 to 1.2; was " + temperature);
    }
    MAX_TOKENS.check(maxResponseTokens);
    Objects.requireNonNull(vadSilence, "vadSilence == null");
    if (vadSilence.isNegative()
        || vadSilence.isZero()
        || vadSilence.compareTo(MAX_VAD_SILENCE) > 0) {
      throw new ConfigException(
          "MIA_REALTIME_VAD_SILENCE must be a duration from 1ms to 10s such as 500ms; was "
              + vadSilence.toMillis()
              + "ms");
    }
    Objects.requireNonNull(connectTimeout, "connectTimeout == null");
    if (connectTimeout.isNegative()
        || connectTimeout.isZero()
        || connectTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new ConfigException(
          "MIA_REALTIME_CONNECT_TIMEOUT must be a positive duration such as 10s; was "
              + connectTimeout);
    }
    MAX_AUDIO_BYTES.check(maxAudioBytes);
    MAX_BUFFERED_BYTES.check(maxBufferedBytes);
  }

  /** The seed's settings. */
  public static final RealtimeConfig DEFAULTS =
      new RealtimeConfig(
          "gpt-4o-realtime-preview",
          "alloy",
          "pcm16",
          "whisper-1",
          0.8,
          4096,
          Duration.ofMillis(500),
          Duration.ofSeconds(10),
          256 * 1024,
          1024 * 1024);

  /** {@return a builder holding the {@linkplain #DEFAULTS defaults}} */
  public static RealtimeConfigBuilder builder() {
    return RealtimeConfigBuilder.builder(DEFAULTS);
  }

  /**
   * {@return the WebSocket address of the Realtime API for this model, beside the chat API at
   * {@code openAiBaseUrl} (OpenAI's when empty)}: {@code https://host/v1} gives {@code
   * wss://host/v1/realtime?model=…}, {@code http} gives {@code ws}
   */
  public URI endpoint(Optional<String> openAiBaseUrl) {
    String base = openAiBaseUrl.orElse(OPENAI_API);
    URI http = URI.create(base.endsWith("/") ? base : base + "/");
    String scheme = "https".equals(http.getScheme()) ? "wss" : "ws";
    String authority = http.getRawAuthority();
    return URI.create(
        scheme
            + "://"
            + authority
            + http.getRawPath()
            + "realtime?model="
            + URLEncoder.encode(model, StandardCharsets.UTF_8));
  }

  private static void requireName(String variable, String value) {
    Objects.requireNonNull(value, variable + " == null");
    if (!NAME.matcher(value).matches()) {
      throw new ConfigException(
          variable
              + " must be a name of letters, digits, '.', '_' or '-' (at most 100); was '"
              + value
              + "'");
    }
  }
}
