package somnium.rl.world;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import somnium.autograd.nn.Activation;
import somnium.autograd.optim.Adam;
import somnium.autograd.optim.GradClip;
import somnium.rl.env.BuiltinEnvCatalog;
import somnium.rl.replay.Episode;
import somnium.rl.replay.ReplayBuffer;
import somnium.rl.replay.Step;
import somnium.rl.train.EnvLike;
import somnium.rl.train.EnvOptions;
import somnium.tensor.Rng;
import somnium.tensor.TensorScope;

/** A small world model trained on recorded random-action episodes of Pendulum: its losses fall. */
class WorldModelLearnsTest {
    @Test
    void lossFallsOnRecordedPendulumData() throws Exception {
        ReplayBuffer replay = new ReplayBuffer(100_000);
        Rng actions = new Rng(1);
        int obsDim;
        try (EnvLike env = new BuiltinEnvCatalog().make("gym:Pendulum-v1", new EnvOptions(2, false, 0))) {
            for (int e = 0; e < 20; e++) {
                List<Step> steps = new ArrayList<>();
                Step s = env.reset(100 + e);
                steps.add(s);
                while (!s.isLast()) {
                    s = env.step(new float[] {(float) (actions.nextDouble() * 2 - 1)});
                    steps.add(s);
                }
                replay.add(Episode.of(steps));
            }
            obsDim = replay.episodes().get(0).stateDim();
        }
        assertEquals(3, obsDim);
        assertEquals(20 * 101, replay.steps(), "20 episodes of 100 agent steps (+ the reset step)");

        // the best constant reward prediction (the mean): its NLL is what a model ignoring the state gets
        double sum = 0, sq = 0;
        int n = 0;
        for (Episode ep : replay.episodes())
            for (int t = 1; t < ep.length(); t++) {
                sum += ep.reward(t);
                sq += ep.reward(t) * ep.reward(t);
                n++;
            }
        double var = sq / n - (sum / n) * (sum / n);
        double constantNll = 0.5 * var + 0.5 * Math.log(2 * Math.PI);

        WorldModel.Spec spec = new WorldModel.Spec(obsDim, false, 1, 16, 4, 16, 16, 2, 8, Activation.ELU, 0.1, 1.0, true,
                1.0, 1.0, 0, 0, 8, 0.0);
        WorldModel model = new WorldModel(spec, new Rng(2));
        Adam adam = new Adam(model.namedParameters(), 3e-3, 1e-4);
        Rng rng = new Rng(3);
        int steps = 150;
        double[] loss = new double[steps], reward = new double[steps];
        for (int i = 0; i < steps; i++) {
            try (TensorScope scope = TensorScope.open()) {
                WorldModel.Loss l = model.loss(replay.sample(8, 12, rng), rng);
                adam.zeroGrad();
                l.total().backward();
                GradClip.clipGradNorm(adam.parameters(), 100);
                adam.step();
                Map<String, Double> m = l.metrics();
                loss[i] = m.get("model_loss");
                reward[i] = m.get("reward_loss");
                assertTrue(Double.isFinite(loss[i]), "finite loss at step " + i);
            }
        }
        double firstLoss = avg(loss, 0, 10), lastLoss = avg(loss, steps - 10, steps);
        double firstRew = avg(reward, 0, 10), lastRew = avg(reward, steps - 10, steps);
        System.out.printf("model loss %.3f -> %.3f, reward loss %.3f -> %.3f (constant predictor %.3f)%n", firstLoss, lastLoss, firstRew, lastRew, constantNll);
        // Pendulum rewards (two steps of action repeat) lie in about [-33, 0]: the reward NLL starts large.
        assertTrue(lastRew < 0.2 * firstRew, "reward loss " + firstRew + " -> " + lastRew);
        // and it predicts the reward from the latent state: far better than the best constant
        assertTrue(lastRew < 0.5 * constantNll, "reward loss " + lastRew + " vs constant predictor " + constantNll);
        assertTrue(lastLoss < 0.3 * firstLoss, "model loss " + firstLoss + " -> " + lastLoss);
    }

    static double avg(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += v[i];
        return s / (to - from);
    }
}
