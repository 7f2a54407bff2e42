package dev.mia.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The voice endpoint's variables: read, checked, and the Realtime API's address. */
class RealtimeConfigTest {

  private static ConfigException refusal(Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> ServerConfig.fromEnvironment(env));
  }

  @Test
  void noVariablesGiveTheSeedsSettings() {
    RealtimeConfig config = ServerConfig.fromEnvironment(Map.of()).realtime();

    assertEquals("gpt-4o-realtime-preview", config.model());
    assertEquals("alloy", config.voice());
    assertEquals("pcm16", config.audioFormat());
    assertEquals("whisper-1", config.transcriptionModel());
    assertEquals(0.8, config.temperature());
    assertEquals(4096, config.maxResponseTokens());
    assertEquals(Duration.ofMillis(500), config.vadSilence());
    assertEquals(Duration.ofSeconds(10), config.connectTimeout());
    assertEquals(256 * 1024, config.maxAudioBytes());
    assertEquals(1024 * 1024, config.maxBufferedBytes());
  }

  @Test
  void everyVariableIsRead() {
    RealtimeConfig config =
        ServerConfig.fromEnvironment(
                Map.of(
                    "OPENAI_REALTIME_MODEL", "gpt-realtime",
                    "MIA_REALTIME_VOICE", "shimmer",
                    "MIA_REALTIME_AUDIO_FORMAT", "G711_ULAW",
                    "MIA_REALTIME_TRANSCRIPTION_MODEL", "gpt-4o-transcribe",
                    "MIA_REALTIME_TEMPERATURE", "1.1",
                    "MIA_REALTIME_MAX_TOKENS", "1000",
                    "MIA_REALTIME_VAD_SILENCE", "800ms",
                    "MIA_REALTIME_CONNECT_TIMEOUT", "3s",
                    "MIA_VOICE_MAX_AUDIO_BYTES", "65536",
                    "MIA_VOICE_MAX_BUFFERED_BYTES", "262144"))
            .realtime();

    assertEquals("gpt-realtime", config.model());
    assertEquals("shimmer", config.voice());
    assertEquals("g711_ulaw", config.audioFormat());
    assertEquals("gpt-4o-transcribe", config.transcriptionModel());
    assertEquals(1.1, config.temperature());
    assertEquals(1000, config.maxResponseTokens());
    assertEquals(Duration.ofMillis(800), config.vadSilence());
    assertEquals(Duration.ofSeconds(3), config.connectTimeout());
    assertEquals(65536, config.maxAudioBytes());
    assertEquals(262144, config.maxBufferedBytes());
  }

  @Test
  void aTemperatureOutsideTheApisRangeIsRefused() {
    assertEquals(
        "MIA_REALTIME_TEMPERATURE must be a number from 0.6 to 1.2; was 1.5",
        refusal(Map.of("MIA_REALTIME_TEMPERATURE", "1.5")).getMessage());
    assertEquals(
        "MIA_REALTIME_TEMPERATURE must be a number from 0.6 to 1.2; was 'warm'",
        refusal(Map.of("MIA_REALTIME_TEMPERATURE", "warm")).getMessage());
  }

  @Test
  void anUnknownAudioFormatIsRefused() {
    assertEquals(
        "MIA_REALTIME_AUDIO_FORMAT must be one of [pcm16, g711_ulaw, g711_alaw]; was 'mp3'",
        refusal(Map.of("MIA_REALTIME_AUDIO_FORMAT", "mp3")).getMessage());
  }

  @Test
  void tooManyTokensAreRefusedNamingTheRange() {
    assertEquals(
        "MIA_REALTIME_MAX_TOKENS must be a whole number from 1 to 4096; was '5000'",
        refusal(Map.of("MIA_REALTIME_MAX_TOKENS", "5000")).getMessage());
  }

  @Test
  void audioLargerThanAMessageCanCarryIsRefused() {
    assertEquals(
        "MIA_VOICE_MAX_AUDIO_BYTES must be a whole number from 1 to 750000; was '800000'",
        refusal(Map.of("MIA_VOICE_MAX_AUDIO_BYTES", "800000")).getMessage());
  }

  @Test
  void aVadSilenceOverTenSecondsIsRefused() {
    assertEquals(
        "MIA_REALTIME_VAD_SILENCE must be a duration from 1ms to 10s such as 500ms; was 11000ms",
        refusal(Map.of("MIA_REALTIME_VAD_SILENCE", "11s")).getMessage());
  }

  @Test
  void aVoiceThatIsNotANameIsRefused() {
    assertTrue(
        refusal(Map.of("MIA_REALTIME_VOICE", "al loy"))
            .getMessage()
            .startsWith("MIA_REALTIME_VOICE must be a name"));
  }

  @Test
  void theRealtimeApiIsBesideTheChatApi() {
    RealtimeConfig config = RealtimeConfig.DEFAULTS;

    assertEquals(
        URI.create("wss://api.openai.com/v1/realtime?model=gpt-4o-realtime-preview"),
        config.endpoint(Optional.empty()));
    assertEquals(
        URI.create("ws://127.0.0.1:4010/v1/realtime?model=gpt-4o-realtime-preview"),
        config.endpoint(Optional.of("http://127.0.0.1:4010/v1")));
    assertEquals(
        URI.create("wss://proxy.example.org/openai/v1/realtime?model=gpt-4o-realtime-preview"),
        config.endpoint(Optional.of("https://proxy.example.org/openai/v1/")));
  }

  @Test
  void toStringShowsTheVoiceSettings() {
    assertTrue(
        ServerConfig.DEFAULTS.toString().contains("gpt-4o-realtime-preview"),
        ServerConfig.DEFAULTS.toString());
  }
}
