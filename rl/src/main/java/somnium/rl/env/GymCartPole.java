package somnium.rl.env;

import java.util.SplittableRandom;
import somnium.rl.env.render.Canvas;
import somnium.rl.env.render.GymLook;

/**
 * Gymnasium {@code CartPole-v1}: Discrete(2) (0 pushes left with 10 N, 1 right), explicit Euler with
 * τ = 0.02 on the classic equations; +1 every step including the terminating one; terminates when
 * |x| > 2.4 or |θ| > 12°. Observation [x, ẋ, θ, θ̇]. The registry adds the 500-step truncation.
 */
public final class GymCartPole extends AbstractEnv {
    public static final double GRAVITY = 9.8, MASS_CART = 1.0, MASS_POLE = 0.1, TOTAL_MASS = MASS_CART + MASS_POLE,
            LENGTH = 0.5, POLE_MASS_LENGTH = MASS_POLE * LENGTH, FORCE_MAG = 10.0, TAU = 0.02,
            THETA_THRESHOLD = 12 * 2 * Math.PI / 360, X_THRESHOLD = 2.4;
    double x, xDot, theta, thetaDot;
    private final GymLook look = new GymLook(600, 400);

    public GymCartPole() {
        super("gym:CartPole-v1",
                ObservationSpec.state(
                        new double[] {-2 * X_THRESHOLD, Double.NEGATIVE_INFINITY, -2 * THETA_THRESHOLD, Double.NEGATIVE_INFINITY},
                        new double[] {2 * X_THRESHOLD, Double.POSITIVE_INFINITY, 2 * THETA_THRESHOLD, Double.POSITIVE_INFINITY}),
                ActionSpec.discrete(2));
    }

    @Override
    protected void resetState(SplittableRandom rng) {
        x = uniform(rng, -0.05, 0.05);
        xDot = uniform(rng, -0.05, 0.05);
        theta = uniform(rng, -0.05, 0.05);
        thetaDot = uniform(rng, -0.05, 0.05);
    }

    @Override
    protected double advance(float[] action) {
        double force = action[0] == 1 ? FORCE_MAG : -FORCE_MAG;
        double cos = Math.cos(theta), sin = Math.sin(theta);
        double temp = (force + POLE_MASS_LENGTH * thetaDot * thetaDot * sin) / TOTAL_MASS;
        double thetaAcc = (GRAVITY * sin - cos * temp)
                / (LENGTH * (4.0 / 3.0 - MASS_POLE * cos * cos / TOTAL_MASS));
        double xAcc = temp - POLE_MASS_LENGTH * thetaAcc * cos / TOTAL_MASS;
        x = x + TAU * xDot;
        xDot = xDot + TAU * xAcc;
        theta = theta + TAU * thetaDot;
        thetaDot = thetaDot + TAU * thetaAcc;
        terminal = x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD || theta > THETA_THRESHOLD;
        return 1.0;
    }

    @Override
    protected float[] observe() {
        return new float[] {(float) x, (float) xDot, (float) theta, (float) thetaDot};
    }

    public void setState(double x, double xDot, double theta, double thetaDot) {
        this.x = x;
        this.xDot = xDot;
        this.theta = theta;
        this.thetaDot = thetaDot;
    }

    @Override
    public double stepSeconds() {
        return TAU;
    }

    @Override
    protected void paintBackground(Canvas c) {
        c.fill(GymLook.WHITE);
        look.capsule(c, 0, 100, 600, 100, 0.5, GymLook.BLACK);
    }

    @Override
    protected void paint(Canvas c) {
        double scale = 600 / (2 * X_THRESHOLD), poleW = 10, poleLen = scale * (2 * LENGTH), cartW = 50, cartH = 30;
        double cartX = x * scale + 300, cartY = 100;
        double s = look.scale(c);
        c.rect(look.x(c, cartX - cartW / 2), look.y(c, cartY + cartH / 2), look.x(c, cartX + cartW / 2),
                look.y(c, cartY - cartH / 2), GymLook.BLACK, 1.0);
        double axleY = cartY + cartH / 4;
        double ex = cartX + poleLen * Math.sin(theta), ey = axleY + poleLen * Math.cos(theta);
        c.capsule(look.x(c, cartX), look.y(c, axleY), look.x(c, ex), look.y(c, ey), Math.max(poleW / 2 * s, 0.6),
                0xCA9865, 0);
        look.circle(c, cartX, axleY, poleW / 2, 0x8184CB);
    }
}
