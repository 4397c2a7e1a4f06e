package io.myelin.loss;

import io.myelin.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The loss registry: names, aliases, parameters read back from {@code config()}. */
class LossesTest {
    @Test
    void everyLossReadsBackItsConfigUnderItsName() {
        for (String name : Losses.NAMES) {
            Loss loss = Losses.create(name);
            assertEquals(name, loss.name());
            Loss back = Losses.create(loss.name(), loss.config());
            assertEquals(loss.name(), back.name());
            assertEquals(loss.config(), back.config());
            assertEquals(loss.targetKind(), back.targetKind());
        }
        Loss huber = Losses.create("huber", Map.of("delta", 2.5));
        assertEquals(Map.of("delta", 2.5f), Losses.create("huber", huber.config()).config());
    }

    @Test
    void aliasesGiveTheLossTheyStandFor() {
        assertEquals("mse", Losses.create("mean_squared_error").name());
        assertEquals("mae", Losses.create("Mean_Absolute_Error").name());
        assertEquals("binary_crossentropy", Losses.create("bce").name());
        assertEquals(List.of("mse", "mae", "huber", "binary_crossentropy", "binary_crossentropy_from_logits",
                "categorical_crossentropy", "sparse_categorical_crossentropy", "hinge", "perceptron",
                "mean_squared_error", "mean_absolute_error", "bce"), Losses.SPELLINGS);
    }

    @Test
    void mistakesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.create("msee"));
        assertEquals("unknown loss 'msee'; known: " + String.join(", ", Losses.NAMES), e.getMessage());
        ConfigException p = assertThrows(ConfigException.class, () -> Losses.create("mse", Map.of("delta", 1)));
        assertEquals("loss mse: unknown key \"delta\"; known keys: none", p.getMessage());
    }
}
