package dev.rnn4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class UnkReplacementTest {
  @Test
  void eachUnkTakesTheMostAttendedSourceToken() {
    List<String> out = List.of("le", "<unk>", "de", "<unk>", "</s>");
    float[][] att = {
      {0.8f, 0.1f, 0.1f, 0f},
      {0.1f, 0.2f, 0.7f, 0f},
      {0.3f, 0.3f, 0.4f, 0f},
      // the padding column (index 3) is never chosen, even with the most weight
      {0.5f, 0.1f, 0.1f, 0.9f},
      {0.4f, 0.3f, 0.3f, 0f}
    };
    assertEquals(
        List.of("le", "Zurich", "de", "the", "</s>"),
        UnkReplacement.replace(out, att, List.of("the", "rnn4j", "Zurich")));
  }

  @Test
  void outputsWithoutUnkNeedNoAttentionAndAnUnkWithoutARowIsRefused() {
    assertEquals(List.of("a"), UnkReplacement.replace(List.of("a"), null, List.of("x")));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> UnkReplacement.replace(List.of("<unk>"), new float[0][], List.of("x")));
    assertEquals(true, e.getMessage().contains("no attention row"));
  }
}
