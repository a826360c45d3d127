package somnium.rl.replay;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

import somnium.rl.io.AtomicFiles;

/**
 * One episode per file, gzip-compressed (its CRC-32 catches corruption), written atomically. Layout of the
 * uncompressed stream, little-endian:
 * <pre>
 *   magic "SOMNEP01" (8 bytes)
 *   int length, int stateDim, int actionDim, byte flags (1 = images, 2 = terminated, 4 = truncated)
 *   float states[length*stateDim], float actions[length*actionDim], float rewards[length]
 *   byte images[length*64*64*3]   (only when flag 1; HWC uint8)
 * </pre>
 * Files are named {@code episode-NNNNNNNNN.bin.gz} after the episode's sequential id, so a directory
 * lists in insertion order.
 */
public final class EpisodeFiles {
    static final byte[] MAGIC = "SOMNEP01".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final Pattern NAME = Pattern.compile("episode-(\\d{9})\\.bin\\.gz");

    private EpisodeFiles() {}

    public static Path fileFor(Path dir, long id) {
        return dir.resolve(String.format("episode-%09d.bin.gz", id));
    }

    /** Writes {@code ep} as {@code dir/episode-<id>.bin.gz}, atomically. */
    public static Path write(Path dir, long id, Episode ep) throws IOException {
        Path file = fileFor(dir, id);
        AtomicFiles.write(file, raw -> {
            GZIPOutputStream gz = new GZIPOutputStream(raw, 1 << 16);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(gz, 1 << 16));
            out.write(MAGIC);
            writeIntLE(out, ep.length());
            writeIntLE(out, ep.stateDim());
            writeIntLE(out, ep.actionDim());
            out.writeByte((ep.hasImages() ? 1 : 0) | (ep.terminated() ? 2 : 0) | (ep.truncated() ? 4 : 0));
            writeFloats(out, ep.states());
            writeFloats(out, ep.actions());
            writeFloats(out, ep.rewards());
            if (ep.hasImages()) out.write(ep.images());
            out.flush();
            gz.finish();
        });
        return file;
    }

    /** Reads one episode file; a clear IOException naming the path if it is missing, truncated or corrupt. */
    public static Episode read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("episode file " + file + " does not exist");
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) throw new IOException("episode file " + file + " has a bad magic header (not a Somnium episode)");
            int length = readIntLE(in), sd = readIntLE(in), ad = readIntLE(in), flags = in.readUnsignedByte();
            if (length < 1 || sd < 0 || ad < 0 || (long) length * Math.max(1, sd + ad) > (1L << 31))
                throw new IOException("episode file " + file + " has an invalid header: length " + length + ", stateDim " + sd + ", actionDim " + ad);
            float[] states = readFloats(in, length * sd), actions = readFloats(in, length * ad), rewards = readFloats(in, length);
            byte[] images = null;
            if ((flags & 1) != 0) {
                images = new byte[length * Step.IMAGE_BYTES];
                in.readFully(images);
            }
            if (in.read() != -1) throw new IOException("episode file " + file + " has trailing bytes after the episode");
            return new Episode(length, sd, ad, states, images, actions, rewards, (flags & 2) != 0, (flags & 4) != 0);
        } catch (EOFException e) {
            throw new IOException("episode file " + file + " is truncated", e);
        } catch (ZipException e) {
            throw new IOException("episode file " + file + " is corrupt: " + e.getMessage(), e);
        }
    }

    /** The episode ids stored in {@code dir}, ascending; an empty list if the directory does not exist. */
    public static List<Long> ids(Path dir) throws IOException {
        List<Long> ids = new ArrayList<>();
        if (!Files.isDirectory(dir)) return ids;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches()) ids.add(Long.parseLong(m.group(1)));
            }
        }
        ids.sort(null);
        return ids;
    }

    private static void writeIntLE(DataOutputStream out, int v) throws IOException {
        out.writeInt(Integer.reverseBytes(v));
    }

    private static int readIntLE(DataInputStream in) throws IOException {
        return Integer.reverseBytes(in.readInt());
    }

    private static void writeFloats(DataOutputStream out, float[] a) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < a.length; ) {
            buf.clear();
            int n = Math.min(1024, a.length - i);
            buf.asFloatBuffer().put(a, i, n);
            out.write(buf.array(), 0, n * 4);
            i += n;
        }
    }

    private static float[] readFloats(DataInputStream in, int n) throws IOException {
        float[] a = new float[n];
        byte[] bytes = new byte[4096];
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; ) {
            int k = Math.min(1024, n - i);
            in.readFully(bytes, 0, k * 4);
            buf.clear();
            buf.asFloatBuffer().get(a, i, k);
            i += k;
        }
        return a;
    }
}
