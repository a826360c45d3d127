package somnium.rl.train.config;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;

import somnium.rl.dreamer.DreamerConfig;
import somnium.rl.planet.PlaNetConfig;

class ConfigsTest {
    enum Mode { FAST, SLOW }

    record Toy(@Doc("an int") int units, long steps, double lr, boolean images, String act, Mode mode, List<Integer> layers, List<Double> ws) {
        Toy {
            if (units < 1) throw new IllegalArgumentException("units must be >= 1, got " + units);
        }
    }

    static final Toy TOY = new Toy(3, 10, 0.5, false, "relu", Mode.FAST, List.of(1, 2), List.of(0.5));

    @Test
    void planetDefaultsAreThePapers() {
        PlaNetConfig c = PlaNetConfig.defaults();
        assertEquals(200, c.deter());
        assertEquals(30, c.stoch());
        assertEquals(300, c.hidden());
        assertEquals(50, c.batchSize());
        assertEquals(50, c.batchLength());
        assertEquals(1e-3, c.modelLr());
        assertEquals(1e-4, c.adamEps());
        assertEquals(1000.0, c.gradClip());
        assertEquals(3.0, c.freeNats());
        assertEquals(10.0, c.rewardScale());
        assertEquals(5, c.bitDepth());
        assertEquals(0, c.overshooting());
        assertEquals(1000, c.candidates());
        assertEquals(100, c.topCandidates());
        assertEquals(10, c.optimisationIters());
        assertEquals(12, c.planHorizon());
        assertEquals(5, c.seedEpisodes());
        assertEquals(100, c.collectInterval());
        assertEquals(0.3, c.explNoise());
    }

    @Test
    void planetPresetsCarryTheTaskActionRepeat() {
        var p = PlaNetConfig.presets();
        assertEquals(8, p.get("cartpole").actionRepeat());
        assertEquals(4, p.get("reacher").actionRepeat());
        assertEquals(4, p.get("cheetah").actionRepeat());
        assertEquals(4, p.get("cup").actionRepeat());
        assertEquals(2, p.get("finger").actionRepeat());
        assertEquals(2, p.get("walker").actionRepeat());
        assertFalse(p.get("small").useImages());
        assertEquals("walker", PlaNetConfig.presetFor("walker-walk"));
        assertEquals("cartpole", PlaNetConfig.presetFor("dmc/cartpole-swingup"));
        assertEquals("default", PlaNetConfig.presetFor("pendulum-swingup"));
        assertEquals(8, p.get("cartpole").schedule().actionRepeat());
        assertEquals(100, p.get("cartpole").schedule().updatesPerEpisode());
    }

    @Test
    void dreamerDefaultsAreThePapers() {
        DreamerConfig c = DreamerConfig.defaults();
        assertEquals(200, c.deter());
        assertEquals(30, c.stoch());
        assertEquals(400, c.hidden());
        assertEquals(32, c.cnnDepth());
        assertEquals(3.0, c.freeNats());
        assertEquals(1.0, c.klScale());
        assertEquals(50, c.batchSize());
        assertEquals(50, c.batchLength());
        assertEquals(100, c.trainSteps());
        assertEquals(1000, c.trainEvery());
        assertEquals(5000, c.prefill());
        assertEquals(6e-4, c.modelLr());
        assertEquals(8e-5, c.actorLr());
        assertEquals(8e-5, c.valueLr());
        assertEquals(100.0, c.gradClip());
        assertEquals(15, c.imagHorizon());
        assertEquals(0.99, c.discount());
        assertEquals(0.95, c.returnLambda());
        assertEquals(2, c.actionRepeat());
        assertEquals(0.3, c.explNoise());
        assertEquals(DreamerConfig.defaults(), DreamerConfig.presets().get("dmc"));
    }

    @Test
    void dreamerSmallSlowActorDiffersFromSmallOnlyInRepeatCadenceAndBehaviourRates() {
        DreamerConfig small = DreamerConfig.presets().get("small");
        DreamerConfig slow = DreamerConfig.presets().get("small-slow-actor");
        assertEquals(4, slow.actionRepeat());
        assertEquals(1000, slow.trainEvery());
        assertEquals(100, slow.trainSteps());
        assertEquals(2e-5, slow.actorLr());
        assertEquals(3e-4, slow.valueLr());
        // Everything else is the small preset's: the same config as small with those five keys overridden.
        assertEquals(Configs.withOverrides(small, List.of("action_repeat=4", "train_every=1000", "train_steps=100", "actor_lr=2e-5", "value_lr=3e-4")), slow);
        assertEquals(6e-4, slow.modelLr());
        assertEquals(64, slow.deter());
        assertFalse(slow.useImages());
    }

    @Test
    void keysAreSnakeCaseWithDocs() {
        List<String> names = Configs.keys(DreamerConfig.class).stream().map(Configs.Key::name).toList();
        assertTrue(names.containsAll(List.of("deter", "stoch", "hidden", "free_nats", "imag_horizon", "batch_size", "batch_length", "train_every")), names.toString());
        assertEquals("an int", Configs.key(Toy.class, "units").doc());
        assertEquals("free_nats", Configs.snake("freeNats"));
    }

    @Test
    void overridesParseEveryType() {
        Toy t = Configs.withOverrides(TOY, List.of("units=7", "steps=1e6", "lr=3e-4", "images=true", "act=elu", "mode=slow",
                "layers=[4, 5,6]", "ws=0.25,1"));
        assertEquals(new Toy(7, 1_000_000, 3e-4, true, "elu", Mode.SLOW, List.of(4, 5, 6), List.of(0.25, 1.0)), t);
        PlaNetConfig p = Configs.withOverrides(PlaNetConfig.defaults(), List.of("deter=64", "free_nats=1.5", "use_images=false"));
        assertEquals(64, p.deter());
        assertEquals(1.5, p.freeNats());
        assertFalse(p.useImages());
        assertEquals(30, p.stoch(), "other keys keep the base values");
    }

    @Test
    void unknownKeyListsTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Configs.withOverrides(PlaNetConfig.defaults(), List.of("detr=3")));
        assertTrue(e.getMessage().contains("'detr'"), e.getMessage());
        assertTrue(e.getMessage().contains("valid keys: action_repeat, steps"), e.getMessage());
        assertTrue(e.getMessage().contains("free_nats"), e.getMessage());
    }

    @Test
    void wrongTypeNamesTheKey() {
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> Configs.withOverrides(TOY, List.of("units=2.5")));
        assertTrue(a.getMessage().contains("'units' expects an int, got '2.5'"), a.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> Configs.withOverrides(TOY, List.of("images=yes")));
        assertTrue(b.getMessage().contains("'images' expects a boolean"), b.getMessage());
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class, () -> Configs.withOverrides(TOY, List.of("layers=1,x")));
        assertTrue(c.getMessage().contains("'layers' expects list of int"), c.getMessage());
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class, () -> Configs.withOverrides(TOY, List.of("mode=medium")));
        assertTrue(d.getMessage().contains("one of [fast, slow]"), d.getMessage());
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> Configs.withOverrides(TOY, List.of("units")));
        assertTrue(f.getMessage().contains("key=value"), f.getMessage());
    }

    @Test
    void validationErrorsComeFromTheRecord() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Configs.withOverrides(TOY, List.of("units=0")));
        assertTrue(e.getMessage().contains("invalid Toy: units must be >= 1"), e.getMessage());
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
                () -> Configs.withOverrides(PlaNetConfig.defaults(), List.of("top_candidates=2000")));
        assertTrue(p.getMessage().contains("top_candidates"), p.getMessage());
    }

    @Test
    void jsonRoundTrip() {
        Toy t = new Toy(9, 1L << 40, 1e-7, true, "tanh", Mode.SLOW, List.of(), List.of(0.1, 0.2));
        assertEquals(t, Configs.fromJson(TOY, Configs.toJson(t)));
        for (PlaNetConfig p : PlaNetConfig.presets().values()) assertEquals(p, Configs.fromJson(PlaNetConfig.defaults(), Configs.toJson(p)));
        for (DreamerConfig d : DreamerConfig.presets().values()) assertEquals(d, Configs.fromJson(DreamerConfig.defaults(), Configs.toJson(d)));
        assertTrue(Configs.toJson(PlaNetConfig.defaults()).contains("\"free_nats\" : 3.0"));
        assertEquals(5, Configs.fromJson(TOY, "{\"units\": 5}").units(), "missing keys keep the base");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Configs.fromJson(TOY, "{\"units\": \"five\"}"));
        assertTrue(e.getMessage().contains("'units'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Configs.fromJson(TOY, "{\"nope\": 1}"));
    }
}
