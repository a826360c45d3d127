package somnium.rl.replay;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import somnium.tensor.Rng;

class ReplayBufferTest {
    /** An episode whose state value at step t is {@code tag * 1000 + t}, so a sample tells where it came from. */
    static Episode episode(int tag, int length, boolean terminated, boolean images) {
        List<Step> steps = new ArrayList<>();
        for (int t = 0; t < length; t++) {
            byte[] img = null;
            if (images) {
                img = new byte[Step.IMAGE_BYTES];
                for (int i = 0; i < img.length; i++) img[i] = (byte) (i * 7 + t + tag);
            }
            boolean last = t == length - 1;
            steps.add(new Step(new float[]{tag * 1000 + t, -t}, img, t == 0 ? new float[]{0} : new float[]{t * 0.01f},
                    t == 0 ? 0f : t, last && terminated, last && !terminated));
        }
        return Episode.of(steps);
    }

    @Test
    void evictsOldestEpisodesFirstAndKeepsTheNewest() throws IOException {
        ReplayBuffer rb = new ReplayBuffer(25);
        rb.add(episode(0, 10, false, false));
        rb.add(episode(1, 10, false, false));
        assertEquals(List.of(0L, 1L), rb.ids());
        rb.add(episode(2, 10, false, false)); // 30 > 25: drop id 0
        assertEquals(List.of(1L, 2L), rb.ids());
        assertEquals(20, rb.steps());
        rb.add(episode(3, 24, false, false)); // 44 -> drop 1 (34) -> drop 2 (24)
        assertEquals(List.of(3L), rb.ids());
        rb.add(episode(4, 40, false, false)); // alone longer than capacity: still kept
        assertEquals(List.of(4L), rb.ids());
        assertEquals(40, rb.steps());
        assertEquals(5, rb.episodesAdded());
        assertEquals(94, rb.stepsAdded());
    }

    @Test
    void samplesWindowsUniformly() throws IOException {
        ReplayBuffer rb = new ReplayBuffer(1000);
        rb.add(episode(0, 12, true, false));  // 12-5+1 = 8 windows
        rb.add(episode(1, 4, false, false));  // shorter than T: never sampled
        rb.add(episode(2, 8, false, false));  // 4 windows
        int T = 5;
        assertEquals(12, rb.windows(T));
        Map<String, Integer> counts = new HashMap<>();
        Rng rng = new Rng(7);
        int n = 24000;
        for (ReplayBuffer.Window w : rb.sampleWindows(n, T, rng)) counts.merge(w.episodeId() + ":" + w.start(), 1, Integer::sum);
        assertEquals(12, counts.size(), "every window is drawn and no other: " + counts.keySet());
        assertFalse(counts.keySet().stream().anyMatch(k -> k.startsWith("1:")), "episode 1 is too short");
        double expected = n / 12.0, chi2 = 0;
        for (int c : counts.values()) chi2 += (c - expected) * (c - expected) / expected;
        // 11 degrees of freedom: the 99.9% quantile is 31.3
        assertTrue(chi2 < 31.3, "chi-square " + chi2 + " for counts " + counts);
    }

    @Test
    void sequencesStayInsideOneEpisodeWithFlags() throws IOException {
        ReplayBuffer rb = new ReplayBuffer(1000);
        rb.add(episode(0, 6, true, false));
        rb.add(episode(1, 7, false, false));
        int B = 64, T = 6;
        Batch batch = rb.sample(B, T, new Rng(3));
        float[] s = batch.states().toFloatArray();
        float[] first = batch.isFirst().toFloatArray(), last = batch.isLast().toFloatArray();
        float[] term = batch.isTerminal().toFloatArray(), disc = batch.discount().toFloatArray();
        float[] rew = batch.rewards().toFloatArray();
        assertArrayEquals(new int[]{B, T, 2}, batch.states().shape().dims());
        assertArrayEquals(new int[]{B, T, 1}, batch.actions().shape().dims());
        for (int b = 0; b < B; b++) {
            int tag = (int) (s[b * T * 2] / 1000);
            int start = (int) s[b * T * 2] % 1000;
            for (int t = 0; t < T; t++) {
                int k = b * T + t, step = start + t;
                assertEquals(tag * 1000 + step, s[k * 2], "consecutive steps of one episode");
                assertEquals(step == 0 ? 1f : 0f, first[k]);
                int len = tag == 0 ? 6 : 7;
                assertEquals(step == len - 1 ? 1f : 0f, last[k]);
                assertEquals(step == len - 1 && tag == 0 ? 1f : 0f, term[k], "only episode 0 terminated; 1 was truncated");
                assertEquals(1f - term[k], disc[k]);
                assertEquals(step, rew[k]);
            }
        }
    }

    @Test
    void imagesBecomeChwFloatsInMinusHalfToHalf() throws IOException {
        ReplayBuffer rb = new ReplayBuffer(100);
        Episode ep = episode(3, 2, false, true);
        rb.add(ep);
        Batch batch = rb.sample(1, 2, new Rng(1));
        assertArrayEquals(new int[]{1, 2, 3, 64, 64}, batch.images().shape().dims());
        float[] im = batch.images().toFloatArray();
        for (int t = 0; t < 2; t++) {
            byte[] hwc = ep.step(t).image();
            for (int y = 0; y < 64; y += 9)
                for (int x = 0; x < 64; x += 5)
                    for (int c = 0; c < 3; c++) {
                        int u = hwc[(y * 64 + x) * 3 + c] & 0xff;
                        assertEquals(u / 255f - 0.5f, im[((t * 3 + c) * 64 + y) * 64 + x], 0f);
                    }
        }
        assertEquals(-0.5f, ReplayBuffer.toFloat((byte) 0), 0f);
        assertEquals(0.5f, ReplayBuffer.toFloat((byte) 255), 0f);
        assertEquals(128 / 255f - 0.5f, ReplayBuffer.toFloat((byte) 128), 0f);
    }

    @Test
    void sameRngGivesSameBatch() throws IOException {
        ReplayBuffer rb = new ReplayBuffer(1000);
        for (int i = 0; i < 5; i++) rb.add(episode(i, 10 + i, false, false));
        Batch a = rb.sample(8, 4, new Rng(42, 100)), b = rb.sample(8, 4, new Rng(42, 100)), c = rb.sample(8, 4, new Rng(43));
        assertArrayEquals(a.states().toFloatArray(), b.states().toFloatArray());
        assertFalse(java.util.Arrays.equals(a.states().toFloatArray(), c.states().toFloatArray()));
    }

    @Test
    void tooShortEpisodesGiveAClearError() throws IOException {
        ReplayBuffer rb = new ReplayBuffer(100);
        rb.add(episode(0, 3, false, false));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> rb.sample(2, 4, new Rng(1)));
        assertTrue(e.getMessage().contains("4 steps"), e.getMessage());
    }

    @Test
    void saveAndRestoreRoundTrip(@TempDir Path dir) throws IOException {
        ReplayBuffer rb = new ReplayBuffer(30, dir);
        for (int i = 0; i < 4; i++) rb.add(episode(i, 10, i % 2 == 0, i == 3 ? false : false));
        ReplayBuffer.State st = rb.state();
        // an episode written after the checkpoint must be ignored on restore
        rb.add(episode(9, 10, false, false));
        ReplayBuffer back = ReplayBuffer.restore(30, dir, st);
        assertEquals(List.of(1L, 2L, 3L), back.ids());
        assertEquals(4, back.episodesAdded());
        assertEquals(40, back.stepsAdded());
        for (int i = 0; i < 3; i++) assertTrue(back.episodes().get(i).contentEquals(episode(i + 1, 10, (i + 1) % 2 == 0, false)));
        assertEquals(4, back.add(episode(4, 10, false, false)), "ids continue after the checkpoint's count");
        Batch a = back.sample(5, 10, new Rng(5));
        assertEquals(5, a.batchSize());
    }

    @Test
    void episodeFileRoundTripWithImagesAndCorruptionIsNamed(@TempDir Path dir) throws IOException {
        Episode ep = episode(7, 5, true, true);
        Path f = EpisodeFiles.write(dir, 12, ep);
        assertEquals("episode-000000012.bin.gz", f.getFileName().toString());
        Episode back = EpisodeFiles.read(f);
        assertTrue(back.contentEquals(ep));
        assertTrue(back.terminated());
        assertEquals(List.of(12L), EpisodeFiles.ids(dir));
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        IOException e = assertThrows(IOException.class, () -> EpisodeFiles.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> ReplayBuffer.restore(100, dir, new ReplayBuffer.State(14, 10)));
        assertTrue(missing.getMessage().contains("episode-000000013.bin.gz"), missing.getMessage());
    }

    @Test
    void episodeRejectsMismatchedSteps() {
        List<Step> steps = List.of(Step.first(new float[2], null, 1), new Step(new float[3], null, new float[1], 1f, false, false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Episode.of(steps));
        assertTrue(e.getMessage().contains("state size 3"), e.getMessage());
        List<Step> early = List.of(new Step(new float[1], null, new float[1], 0f, true, false), Step.first(new float[1], null, 1));
        assertThrows(IllegalArgumentException.class, () -> Episode.of(early));
    }
}
