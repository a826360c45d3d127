package somnium.rl.world;

import java.util.LinkedHashMap;
import java.util.Map;

import somnium.autograd.Var;
import somnium.autograd.dist.Normal;
import somnium.autograd.nn.Activation;
import somnium.autograd.nn.Mlp;
import somnium.autograd.nn.Module;
import somnium.rl.replay.Batch;
import somnium.tensor.DType;
import somnium.tensor.Rng;
import somnium.tensor.Shape;
import somnium.tensor.Tensor;

/**
 * The world model shared by PlaNet and Dreamer: an encoder (MLP for state vectors, CNN for 64x64 images),
 * the {@link Rssm}, a decoder that reconstructs the observation from the latent feature, and a reward head.
 *
 * <p>Its loss on a batch of sequences is the negative ELBO of the papers:
 * <pre>
 *   L = - E[ log p(o_t | h_t, s_t) ]  - reward_scale * E[ log p(r_t | h_t, s_t) ]
 *       + kl_scale * max(free_nats, KL( q(s_t | h_t, o_t) || p(s_t | h_t) ))
 * </pre>
 * with unit-variance Gaussians for observations and rewards (log-likelihoods summed over observation
 * dims, averaged over batch and time). Free nats clip the KL per time step (PlaNet) or its batch mean
 * (Dreamer), see {@link Spec#freeNatsPerStep}. With {@link Spec#overshooting} D > 1, latent overshooting
 * (PlaNet, eq. 7) adds the KL between the posterior at t+d (gradient stopped) and the prior predicted
 * open-loop d steps from the posterior at t, for d = 2..D, weighted by {@link Spec#overshootingBeta}; all
 * KL terms are then averaged over the D distances. With {@link Spec#globalKlBeta} > 0 the posterior is also
 * pulled toward a standard normal (PlaNet's "global prior", off in its final config).
 */
public final class WorldModel extends Module {
    /** Sizes and loss settings; PlaNetConfig and DreamerConfig map onto this. */
    public record Spec(int obsDim, boolean useImages, int actionDim, int deter, int stoch, int hidden, int embed,
                       int headLayers, int cnnDepth, Activation act, double minStd, double freeNats, boolean freeNatsPerStep,
                       double klScale, double rewardScale, int overshooting, double overshootingBeta, int bitDepth,
                       double globalKlBeta) {
        public Spec {
            if (!useImages && obsDim < 1) throw new IllegalArgumentException("WorldModel: state observations need obs_dim >= 1, got " + obsDim);
            if (actionDim < 1) throw new IllegalArgumentException("WorldModel: action_dim must be >= 1, got " + actionDim);
            if (headLayers < 1) throw new IllegalArgumentException("WorldModel: head_layers must be >= 1, got " + headLayers);
            if (bitDepth < 1 || bitDepth > 8) throw new IllegalArgumentException("WorldModel: bit_depth must be in [1, 8], got " + bitDepth);
            if (globalKlBeta < 0) throw new IllegalArgumentException("WorldModel: global_kl_beta must be >= 0, got " + globalKlBeta);
        }
    }

    /** The loss of one batch and what Dreamer needs from it (the posterior states, as imagination starts). */
    public record Loss(Var total, Map<String, Double> metrics, Rssm.Rollout rollout) {}

    public final Spec spec;
    public final Rssm rssm;
    private final Mlp stateEncoder, stateDecoder, rewardHead;
    private final ConvEncoder convEncoder;
    private final ConvDecoder convDecoder;

    public WorldModel(Spec spec, Rng rng) {
        this.spec = spec;
        int embed;
        int[] widths = new int[spec.headLayers()];
        java.util.Arrays.fill(widths, spec.hidden());
        if (spec.useImages()) {
            convEncoder = module("encoder", new ConvEncoder(spec.cnnDepth(), spec.act(), rng));
            stateEncoder = null;
            embed = convEncoder.outputSize();
        } else {
            stateEncoder = module("encoder", new Mlp(spec.obsDim(), widths, spec.embed(), spec.act(), Mlp.Norm.NONE, rng));
            convEncoder = null;
            embed = spec.embed();
        }
        rssm = module("rssm", new Rssm(spec.deter(), spec.stoch(), spec.hidden(), embed, spec.actionDim(), spec.act(), spec.minStd(), rng));
        int feat = rssm.featureSize();
        if (spec.useImages()) {
            convDecoder = module("decoder", new ConvDecoder(feat, spec.cnnDepth(), spec.act(), rng));
            stateDecoder = null;
        } else {
            stateDecoder = module("decoder", new Mlp(feat, widths, spec.obsDim(), spec.act(), Mlp.Norm.NONE, rng));
            convDecoder = null;
        }
        rewardHead = module("reward", new Mlp(feat, widths, 1, spec.act(), Mlp.Norm.NONE, rng));
    }

    /**
     * PlaNet's image preprocessing: quantize to {@code bitDepth} bits and add uniform dequantization noise.
     * Input and output are in [-0.5, 0.5]; with 8 bits the images pass unchanged.
     */
    public Tensor preprocess(Tensor images, Rng rng) {
        if (spec.bitDepth() >= 8) return images;
        double bins = 1 << spec.bitDepth();
        double[] v = images.toDoubleArray();
        float[] out = new float[v.length];
        Tensor noise = rng.uniform(images.shape(), 0, 1.0 / bins, somnium.tensor.DType.F32, images.device());
        float[] nz = noise.toFloatArray();
        int shift = 8 - spec.bitDepth();
        for (int i = 0; i < v.length; i++) {
            int u = (int) Math.round((v[i] + 0.5) * 255.0);
            out[i] = (float) ((u >> shift) / bins - 0.5 + nz[i]);
        }
        return Tensor.of(out, images.dims()).to(images.device());
    }

    /** The observation of a batch as the model reads it: [B, T, obs] states or preprocessed [B, T, 3, 64, 64] images. */
    public Tensor observations(Batch batch, Rng rng) {
        if (spec.useImages()) {
            if (batch.images() == null) throw new IllegalArgumentException("WorldModel: the config asks for images but the batch has none");
            return preprocess(batch.images(), rng);
        }
        if (batch.states() == null) throw new IllegalArgumentException("WorldModel: the config asks for states but the batch has none");
        if (batch.states().dim(-1) != spec.obsDim())
            throw new IllegalArgumentException("WorldModel: batch states " + batch.states().shape() + " do not have obs_dim " + spec.obsDim());
        return batch.states();
    }

    /** Embeds observations of any leading shape: [..., obs] or [..., 3, 64, 64] -> [..., embed]. */
    public Var embed(Var obs) {
        if (!spec.useImages()) return stateEncoder.forward(obs);
        int lead = obs.rank() - 3;
        int[] dims = obs.shape().dims();
        int n = 1;
        for (int i = 0; i < lead; i++) n *= dims[i];
        Var e = convEncoder.forward(obs.reshape(n, 3, 64, 64));
        int[] out = java.util.Arrays.copyOf(dims, lead + 1);
        out[lead] = e.dim(1);
        return e.reshape(out);
    }

    /** Mean of p(o | feature) for features [N, F]: [N, obs] or [N, 3, 64, 64]. */
    public Var decode(Var feature) {
        return spec.useImages() ? convDecoder.forward(feature) : stateDecoder.forward(feature);
    }

    /** Mean of p(r | feature), [..., F] -> [...]. */
    public Var reward(Var feature) {
        return rewardHead.forward(feature).squeeze(-1);
    }

    /** The loss of a batch (see the class comment). */
    public Loss loss(Batch batch, Rng rng) {
        int b = batch.batchSize(), t = batch.length();
        Tensor obs = observations(batch, rng);
        Var embedded = embed(Var.constant(obs));
        Rssm.Rollout roll = rssm.observeSequence(embedded, Var.constant(batch.actions()), batch.isFirst(), rng);

        Var feat = Rssm.Rollout.stack(roll.posteriors(), Rssm.State::feature); // [B, T, F]
        Var flat = feat.reshape(b * t, rssm.featureSize());
        Var recon = decode(flat);
        Var target = Var.constant(spec.useImages() ? obs.reshape(b * t, 3, 64, 64) : obs.reshape(b * t, spec.obsDim()));
        // Unit-variance Gaussian log-likelihood, summed over the observation dims, averaged over B*T.
        int[] obsAxes = spec.useImages() ? new int[] {1, 2, 3} : new int[] {1};
        double obsSize = spec.useImages() ? 3 * 64 * 64 : spec.obsDim();
        Var obsLogProb = recon.sub(target).square().sum(obsAxes, false).mul(-0.5).mean().sub(0.5 * Math.log(2 * Math.PI) * obsSize);
        Var rewardPred = reward(flat);
        Var rewardLogProb = rewardPred.sub(Var.constant(batch.rewards().reshape(b * t))).square().mul(-0.5).mean().sub(0.5 * Math.log(2 * Math.PI));

        Normal post = new Normal(Rssm.Rollout.stack(roll.posteriors(), Rssm.State::mean), Rssm.Rollout.stack(roll.posteriors(), Rssm.State::std), 1);
        Normal prior = new Normal(Rssm.Rollout.stack(roll.priors(), Rssm.State::mean), Rssm.Rollout.stack(roll.priors(), Rssm.State::std), 1);
        Var kl = post.kl(prior); // [B, T]
        double klMean = kl.value().mean().item();
        Var klLoss = freeNats(kl);
        Map<String, Double> metrics = new LinkedHashMap<>();
        int d = Math.min(spec.overshooting(), t - 1); // distances 1..D; a sequence of T steps allows up to T-1
        if (d > 1) {
            Var over = overshootingKl(roll, batch.actions(), d, rng);
            metrics.put("overshooting_kl", over.item());
            klLoss = klLoss.add(over.mul(spec.overshootingBeta())).div(d);
        }
        Var total = obsLogProb.neg().sub(rewardLogProb.mul(spec.rewardScale())).add(klLoss.mul(spec.klScale()));
        if (spec.globalKlBeta() > 0) {
            // PlaNet's optional global prior: KL(q(s_t | ...) || N(0, I)), averaged over the batch.
            Shape s = Shape.of(b, t, spec.stoch());
            Var zero = Var.constant(Tensor.full(0, DType.F32, s, device())), one = Var.constant(Tensor.full(1, DType.F32, s, device()));
            Var globalKl = post.kl(new Normal(zero, one, 1)).mean();
            metrics.put("global_kl", globalKl.item());
            total = total.add(globalKl.mul(spec.globalKlBeta()));
        }
        metrics.put("model_loss", total.item());
        metrics.put("obs_loss", -obsLogProb.item());
        metrics.put("reward_loss", -rewardLogProb.item());
        metrics.put("kl", klMean);
        metrics.put("prior_ent", prior.entropy().value().mean().item());
        metrics.put("post_ent", post.entropy().value().mean().item());
        return new Loss(total, metrics, roll);
    }

    /** Free nats on a [..] tensor of KLs: clip per element (PlaNet) or the mean (Dreamer), then average. */
    private Var freeNats(Var kl) {
        if (spec.freeNats() <= 0) return kl.mean();
        return spec.freeNatsPerStep() ? kl.clamp(spec.freeNats(), Double.POSITIVE_INFINITY).mean()
                : kl.mean().clamp(spec.freeNats(), Double.POSITIVE_INFINITY);
    }

    /**
     * Sum over distances k = 2..D of the (free-nats clipped, averaged) KL between the posterior at t+k,
     * with its gradient stopped, and the prior obtained by imagining k steps from the posterior at t.
     * All start times are advanced together: after k steps the batch holds the starts t = 0..T-1-k.
     */
    private Var overshootingKl(Rssm.Rollout roll, Tensor actions, int d, Rng rng) {
        Rssm.State[] posts = roll.posteriors();
        int b = posts[0].batch(), t = posts.length;
        Var postMean = Rssm.Rollout.stack(posts, Rssm.State::mean).detach(), postStd = Rssm.Rollout.stack(posts, Rssm.State::std).detach();
        // Starts t = 0..T-2 (k = 1 needs one step ahead).
        Rssm.State cur = flattenTime(new Rssm.State(
                Rssm.Rollout.stack(posts, Rssm.State::deter), Rssm.Rollout.stack(posts, Rssm.State::stoch),
                Rssm.Rollout.stack(posts, Rssm.State::mean), Rssm.Rollout.stack(posts, Rssm.State::std)), b, 0, t - 1);
        Var sum = null;
        for (int k = 1; k <= d; k++) {
            int starts = t - k; // starts 0..t-1-k
            Var a = Var.constant(actions.narrow(1, k, starts).contiguous().reshape(b * starts, actions.dim(2)));
            cur = rssm.imagine(cur, a, rng);
            if (k >= 2) { // k = 1 is the ordinary KL term
                Normal target = new Normal(postMean.narrow(1, k, starts).reshape(b * starts, -1), postStd.narrow(1, k, starts).reshape(b * starts, -1), 1);
                Var klk = freeNats(target.kl(cur.dist()));
                sum = sum == null ? klk : sum.add(klk);
            }
            if (k < d) cur = dropLastStart(cur, b, starts);
        }
        return sum == null ? Var.scalar(0) : sum;
    }

    private static Rssm.State flattenTime(Rssm.State s, int b, int from, int len) {
        return new Rssm.State(flat(s.deter(), b, from, len), flat(s.stoch(), b, from, len), flat(s.mean(), b, from, len), flat(s.std(), b, from, len));
    }

    private static Var flat(Var v, int b, int from, int len) {
        return v.narrow(1, from, len).reshape(b * len, v.dim(2));
    }

    /** [B * n, ...] states for starts 0..n-1 -> [B * (n-1), ...] for starts 0..n-2. */
    private static Rssm.State dropLastStart(Rssm.State s, int b, int n) {
        return new Rssm.State(drop(s.deter(), b, n), drop(s.stoch(), b, n), drop(s.mean(), b, n), drop(s.std(), b, n));
    }

    private static Var drop(Var v, int b, int n) {
        return v.reshape(b, n, v.dim(1)).narrow(1, 0, n - 1).reshape(b * (n - 1), v.dim(1));
    }
}
