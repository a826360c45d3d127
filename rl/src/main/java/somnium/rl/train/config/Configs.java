package somnium.rl.train.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Config over plain Java records: each record component is a key, named in snake_case
 * ({@code freeNats} is {@code free_nats}). Gives any config record parsing of {@code key=value} overrides,
 * JSON round trips and clear errors for free; validation lives in the record's compact constructor (throw
 * IllegalArgumentException), which every path here goes through.
 *
 * <p>Supported component types: int, long, double, float, boolean, String, enums, and {@code List} of
 * Integer, Long, Double or String (written {@code 1,2,3} or {@code [1,2,3]} on the command line). Integer
 * keys accept {@code 1e6}-style values when they are whole numbers.
 */
public final class Configs {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Map<Class<?>, List<Key>> KEYS = new ConcurrentHashMap<>();

    private Configs() {}

    /** One config key: its snake_case name, the record component behind it, and its documentation. */
    public record Key(String name, RecordComponent component, String doc) {
        public Class<?> type() { return component.getType(); }

        /** A short type name for messages: int, double, boolean, string, list of int, one of [A, B]. */
        public String typeName() {
            Class<?> t = type();
            if (t == List.class) return "list of " + simpleName(elementType(component));
            if (t.isEnum()) {
                StringJoiner j = new StringJoiner(", ", "one of [", "]");
                for (Object c : t.getEnumConstants()) j.add(((Enum<?>) c).name().toLowerCase(Locale.ROOT));
                return j.toString();
            }
            return simpleName(t);
        }
    }

    private static String simpleName(Class<?> t) {
        if (t == int.class || t == Integer.class) return "int";
        if (t == long.class || t == Long.class) return "long";
        if (t == double.class || t == Double.class) return "double";
        if (t == float.class || t == Float.class) return "float";
        if (t == boolean.class || t == Boolean.class) return "boolean";
        if (t == String.class) return "string";
        return t.getSimpleName();
    }

    /** camelCase to snake_case: {@code freeNats -> free_nats}, {@code imagHorizon -> imag_horizon}. */
    public static String snake(String camel) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) b.append('_');
                b.append(Character.toLowerCase(c));
            } else b.append(c);
        }
        return b.toString();
    }

    /** The keys of a config record, in declaration order. */
    public static List<Key> keys(Class<? extends Record> type) {
        return KEYS.computeIfAbsent(type, t -> {
            if (!t.isRecord()) throw new IllegalArgumentException(t.getName() + " is not a record");
            List<Key> keys = new ArrayList<>();
            for (RecordComponent rc : t.getRecordComponents()) {
                checkSupported(t, rc);
                Doc d = rc.getAnnotation(Doc.class);
                keys.add(new Key(snake(rc.getName()), rc, d == null ? "" : d.value()));
            }
            return List.copyOf(keys);
        });
    }

    private static void checkSupported(Class<?> owner, RecordComponent rc) {
        Class<?> t = rc.getType();
        boolean ok = t == int.class || t == long.class || t == double.class || t == float.class || t == boolean.class
                || t == String.class || t.isEnum();
        if (t == List.class) {
            Class<?> e = elementType(rc);
            ok = e == Integer.class || e == Long.class || e == Double.class || e == String.class;
        }
        if (!ok) throw new IllegalArgumentException("config record " + owner.getSimpleName() + ": component " + rc.getName()
                + " has unsupported type " + rc.getGenericType().getTypeName());
    }

    private static Class<?> elementType(RecordComponent rc) {
        Type g = rc.getGenericType();
        if (g instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c) return c;
        return Object.class;
    }

    /** The key named {@code name}, or an IllegalArgumentException naming it and listing the valid keys. */
    public static Key key(Class<? extends Record> type, String name) {
        for (Key k : keys(type)) if (k.name().equals(name)) return k;
        throw new IllegalArgumentException("unknown config key '" + name + "' for " + type.getSimpleName() + "; valid keys: " + keyList(type));
    }

    public static String keyList(Class<? extends Record> type) {
        StringJoiner j = new StringJoiner(", ");
        for (Key k : keys(type)) j.add(k.name());
        return j.toString();
    }

    /** The value of key {@code name} in {@code config}. */
    public static Object get(Record config, String name) {
        @SuppressWarnings("unchecked") Class<? extends Record> type = (Class<? extends Record>) config.getClass();
        return read(config, key(type, name));
    }

    private static Object read(Record config, Key k) {
        try {
            java.lang.reflect.Method m = k.component().getAccessor();
            if (!m.canAccess(config)) m.setAccessible(true); // records declared in non-public classes (tests, embedders)
            return m.invoke(config);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read config key " + k.name(), e);
        }
    }

    /** Keys and values in declaration order (lists stay lists, enums become their lower-case names). */
    public static Map<String, Object> toMap(Record config) {
        @SuppressWarnings("unchecked") Class<? extends Record> type = (Class<? extends Record>) config.getClass();
        Map<String, Object> m = new LinkedHashMap<>();
        for (Key k : keys(type)) {
            Object v = read(config, k);
            m.put(k.name(), v instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : v);
        }
        return m;
    }

    /** Pretty JSON object of all keys. */
    public static String toJson(Record config) {
        try {
            return JSON.writeValueAsString(toMap(config));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses {@code key=value} strings (as given to {@code --set}) and applies them to {@code base}. Later
     * entries win. Errors name the key: an unknown key lists the valid ones, a bad value names the expected type.
     */
    public static <R extends Record> R withOverrides(R base, List<String> assignments) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("config override '" + a + "' is not of the form key=value");
            kv.put(a.substring(0, eq).trim(), a.substring(eq + 1).trim());
        }
        return withValues(base, kv);
    }

    /** Applies string values by key to {@code base} (see {@link #withOverrides}). */
    public static <R extends Record> R withValues(R base, Map<String, String> values) {
        @SuppressWarnings("unchecked") Class<R> type = (Class<R>) base.getClass();
        Map<String, Object> parsed = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            Key k = key(type, e.getKey());
            parsed.put(k.name(), parse(k, e.getValue()));
        }
        return build(type, base, parsed);
    }

    /** Reads a JSON object: every key must exist in {@code type}; keys missing from the JSON keep {@code base}'s values. */
    public static <R extends Record> R fromJson(R base, String json) {
        @SuppressWarnings("unchecked") Class<R> type = (Class<R>) base.getClass();
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("config JSON for " + type.getSimpleName() + " does not parse: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException("config JSON for " + type.getSimpleName() + " must be an object");
        Map<String, Object> parsed = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Key k = key(type, e.getKey());
            parsed.put(k.name(), fromNode(k, e.getValue()));
        }
        return build(type, base, parsed);
    }

    private static <R extends Record> R build(Class<R> type, R base, Map<String, Object> values) {
        List<Key> keys = keys(type);
        Object[] args = new Object[keys.size()];
        Class<?>[] types = new Class<?>[keys.size()];
        for (int i = 0; i < args.length; i++) {
            Key k = keys.get(i);
            types[i] = k.type();
            args[i] = values.containsKey(k.name()) ? values.get(k.name()) : read(base, k);
        }
        try {
            Constructor<R> c = type.getDeclaredConstructor(types);
            c.setAccessible(true);
            return c.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException iae)
                throw new IllegalArgumentException("invalid " + type.getSimpleName() + ": " + iae.getMessage(), iae);
            if (cause instanceof RuntimeException re) throw re;
            throw new IllegalStateException(cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getSimpleName(), e);
        }
    }

    private static IllegalArgumentException wrongType(Key k, String got) {
        return new IllegalArgumentException("config key '" + k.name() + "' expects " + article(k.typeName()) + ", got '" + got + "'");
    }

    private static String article(String typeName) {
        return typeName.startsWith("one of") || typeName.startsWith("list") ? typeName
                : ("aeiou".indexOf(typeName.charAt(0)) >= 0 ? "an " : "a ") + typeName;
    }

    /** Parses a command-line value for key {@code k}. */
    public static Object parse(Key k, String text) {
        Class<?> t = k.type();
        if (t == List.class) {
            String s = text.trim();
            if (s.startsWith("[") && s.endsWith("]")) s = s.substring(1, s.length() - 1).trim();
            List<Object> out = new ArrayList<>();
            if (!s.isEmpty()) for (String part : s.split(",")) out.add(scalar(k, elementType(k.component()), part.trim(), text));
            return List.copyOf(out);
        }
        return scalar(k, t, text.trim(), text);
    }

    private static Object scalar(Key k, Class<?> t, String s, String whole) {
        try {
            if (t == int.class || t == Integer.class) return integral(s).intValueExact();
            if (t == long.class || t == Long.class) return integral(s).longValueExact();
            if (t == double.class || t == Double.class) return Double.parseDouble(s);
            if (t == float.class || t == Float.class) return Float.parseFloat(s);
            if (t == boolean.class || t == Boolean.class) {
                if (s.equalsIgnoreCase("true")) return true;
                if (s.equalsIgnoreCase("false")) return false;
                throw new NumberFormatException();
            }
            if (t == String.class) return s;
            if (t.isEnum()) {
                for (Object c : t.getEnumConstants()) if (((Enum<?>) c).name().equalsIgnoreCase(s)) return c;
                throw new NumberFormatException();
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw wrongType(k, whole);
        }
        throw wrongType(k, whole);
    }

    /** "100", "1e6", "5_000" as an exact integer. */
    private static java.math.BigInteger integral(String s) {
        BigDecimal d = new BigDecimal(s.replace("_", ""));
        return d.toBigIntegerExact();
    }

    private static Object fromNode(Key k, JsonNode n) {
        Class<?> t = k.type();
        if (t == List.class) {
            if (!n.isArray()) throw wrongType(k, n.toString());
            List<Object> out = new ArrayList<>();
            for (JsonNode e : n) out.add(nodeScalar(k, elementType(k.component()), e));
            return List.copyOf(out);
        }
        return nodeScalar(k, t, n);
    }

    private static Object nodeScalar(Key k, Class<?> t, JsonNode n) {
        boolean numeric = t == int.class || t == Integer.class || t == long.class || t == Long.class || t == double.class
                || t == Double.class || t == float.class || t == Float.class;
        if (numeric && !n.isNumber()) throw wrongType(k, n.toString());
        if ((t == boolean.class || t == Boolean.class) && !n.isBoolean()) throw wrongType(k, n.toString());
        if ((t == String.class || t.isEnum()) && !n.isTextual()) throw wrongType(k, n.toString());
        return scalar(k, t, n.isTextual() ? n.textValue() : n.asText(), n.toString());
    }
}
