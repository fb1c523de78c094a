package dev.rnn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Quoted file content in messages shows every character that would otherwise be invisible. */
class VisibleTest {
  @Test
  void escapesControlFormatAndBreakCharacters() {
    assertEquals("\"v1\\r\"", Visible.quote("v1\r"));
    assertEquals("\"a\\tb\\nc\\u0000\\u001B\"", Visible.quote("a\tb\nc\u0000\u001b"));
    assertEquals("\"\\uFEFFx\\u200B\\u00A0\"", Visible.quote("\uFEFFx\u200B\u00A0"));
    assertEquals("\"q\\\"\\\\\"", Visible.quote("q\"\\"));
    assertEquals("\"\\uD800x\"", Visible.quote("\uD800x"));
  }

  @Test
  void keepsOrdinaryTextAndCutsLongText() {
    assertEquals("\"café 😀 ok\"", Visible.quote("café 😀 ok"));
    String q = Visible.quote("x".repeat(100));
    assertTrue(q.equals("\"" + "x".repeat(Visible.MAX_SHOWN) + "\"... (100 characters)"), q);
    String pairs = "😀".repeat(40);
    assertTrue(Visible.quote(pairs).startsWith("\"" + "😀".repeat(30) + "\"..."));
  }
}
