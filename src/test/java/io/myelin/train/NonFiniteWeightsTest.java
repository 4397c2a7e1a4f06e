package io.myelin.train;

import io.myelin.backend.Backend;
import io.myelin.loss.Losses;
import io.myelin.nn.Dense;
import io.myelin.nn.Parameter;
import io.myelin.optim.Sgd;
import io.myelin.testing.TestBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A weight that becomes non-finite while the loss stays finite (here: set to infinity after the epoch's last
 * step, whose loss was already read) ends the fit as diverged before the epoch is recorded or checkpointed.
 */
class NonFiniteWeightsTest {
    @ParameterizedTest
    @MethodSource("io.myelin.testing.TestBackends#available")
    void aNonFiniteWeightAtEpochEndIsCaughtBeforeTheCheckpoint(TestBackend backend) {
        Backend be = backend.get();
        try (Sequential m = new Sequential(be, 4, 3)) {
            m.add(new Dense(8, "relu")).add(new Dense(3, "softmax"));
            m.compile(Losses.create("sparse_categorical_crossentropy"), Sgd.builder().learningRate(0.01f).build(),
                    List.of());
            List<Integer> committed = new ArrayList<>();
            Callback poison = new Callback() {
                @Override
                public void onBatchEnd(TrainingState state, long step) {
                    if (state.epoch() == 1 && step == 2 * state.stepsPerEpoch() - 1) {
                        Parameter p = m.parameters().get(2);
                        float[] v = p.value().toArray();
                        v[5] = Float.POSITIVE_INFINITY;
                        p.value().set(v);
                    }
                }

                @Override
                public void onEpochCommitted(TrainingState state, int epoch, Map<String, Double> logs) {
                    committed.add(epoch);
                }
            };
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> m.fit(ResumeTest.blobs(5),
                    FitConfig.builder().epochs(4).batchSize(16).callback(poison).build()));
            assertTrue(e.getMessage().startsWith("training diverged: weights became non-finite during epoch 2 (first in "
                    + m.parameters().get(2).name() + ") although the loss stayed finite"), e.getMessage());
            assertEquals(List.of(0), committed, "epoch 2 was neither recorded nor checkpointed");
            assertEquals(1, m.resumeState().epochsCompleted());
            for (Parameter p : m.parameters()) {
                for (float v : p.value().toArray()) {
                    assertTrue(Float.isFinite(v), p.name() + " restored to the start of epoch 2");
                }
            }
        }
    }
}
