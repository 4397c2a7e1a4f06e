package io.myelin.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memory estimate's refusal, UTF-8 decoding of text files, and quoting of long values. */
class InputChecksTest {
    @Test
    void anEstimateOverTheCapIsRefusedWithTheNumbersAndHowToRaiseIt() {
        MemoryLimitException e = assertThrows(MemoryLimitException.class, () -> MemoryBudget.capped(1L << 30,
                () -> {
                    MemoryBudget.require(3_000_000_000L, "the model's 750,000,000 parameters");
                    return null;
                }));
        assertTrue(e.getMessage().startsWith("the model's 750,000,000 parameters need about 3.0 GB, but the Java heap "
                + "has about 1.1 GB free"), e.getMessage());
        assertTrue(e.getMessage().contains("MYELIN_JAVA_OPTS=-Xmx"), e.getMessage());
        assertEquals("ok", MemoryBudget.capped(1L << 30, () -> {
            MemoryBudget.require(1L << 20, "a megabyte");
            return "ok";
        }));
        assertEquals(Long.MAX_VALUE, MemoryBudget.cap(), "the cap ends with its block");
        MemoryLimitException overflow = assertThrows(MemoryLimitException.class,
                () -> MemoryBudget.require(1e30, "an overflowing estimate"));
        assertTrue(overflow.getMessage().contains("cannot fit in any Java heap"), overflow.getMessage());
    }

    @Test
    void textMustBeUtf8() {
        assertEquals("{}", TextFiles.decode(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{', '}'}, "f"),
                "a UTF-8 byte-order mark is skipped");
        assertEquals("é", TextFiles.decode("é".getBytes(StandardCharsets.UTF_8), "f"));
        assertEquals("f is UTF-16 text (it starts with the byte-order mark fe ff); save it as UTF-8",
                assertThrows(ConfigException.class, () -> TextFiles.decode("{}".getBytes(StandardCharsets.UTF_16), "f"))
                        .getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> TextFiles.decode("{}".getBytes(StandardCharsets.UTF_16LE),
                "f")).getMessage().contains("looks like UTF-16"));
        assertEquals("f is not UTF-8 text: byte 0xe9 at offset 2 is not valid UTF-8; save the file as UTF-8",
                assertThrows(ConfigException.class, () -> TextFiles.decode(new byte[] {'{', '"', (byte) 0xe9, '"'}, "f"))
                        .getMessage());
    }

    @Test
    void longValuesAreCutInMessages() {
        assertEquals("short", IoMessages.quote("short"));
        String q = IoMessages.quote("x".repeat(10_000_000));
        assertEquals("x".repeat(60) + "… (10,000,000 characters)", q);
        assertEquals("a\\nb\\u0000c", IoMessages.quote("a\nb\0c"), "a message stays one line");
    }
}
