package io.myelin.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Parses the JSON files a user or a run directory supplies (a model spec, {@code model.json}) strictly: one
 * object and nothing after it, no duplicate keys, floats as exact decimals (so a message shows 1e400 as
 * written), within the parser's limits (nesting 1,000 levels, names 50,000 characters, numbers 1,000 digits).
 * Every problem is one {@link ConfigException} line naming the source, the line and column, and no Java
 * class: {@code spec.json: invalid JSON at line 1, column 1025: Document nesting depth (1001) exceeds the
 * maximum allowed (1000)}.
 */
public final class StrictJson {
    private static final ObjectMapper EXACT = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** The same with floats as doubles, for files the program wrote and reads back (model.json). */
    private static final ObjectMapper DOUBLES = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private StrictJson() {
    }

    /**
     * A UTF-8 file ({@link TextFiles}) holding one JSON object, floats as doubles; {@code what} names it
     * ("run file").
     */
    public static Map<String, Object> readObject(Path file, String what) {
        return read(DOUBLES, TextFiles.readUtf8(file, what), file.toString(), "a " + what);
    }

    /**
     * The JSON object in {@code json}, floats as exact decimals; {@code source} starts every message,
     * {@code what} names the object ("a model spec") when the value is not one.
     */
    public static Map<String, Object> readObject(String json, String source, String what) {
        return read(EXACT, json, source, what);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(ObjectMapper mapper, String json, String source, String what) {
        Object o;
        JsonParser parser = null;
        try {
            parser = mapper.createParser(json);
            o = mapper.readValue(parser, Object.class);
        } catch (JsonProcessingException e) {
            throw invalid(source, e, parser);
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot read the JSON: " + IoMessages.cause(e));
        }
        if (!(o instanceof Map)) {
            throw new ConfigException(source + ": " + what + " must be a JSON object, got "
                    + (o instanceof List<?> ? "a list" : o == null ? "nothing" : "a single value"));
        }
        return (Map<String, Object>) o;
    }

    /** One line for a JSON error: where it is (line, column) and what, without Java names. */
    private static ConfigException invalid(String source, JsonProcessingException e, JsonParser parser) {
        JsonLocation at = e.getLocation();
        if (at == null && parser != null) {
            at = parser.currentLocation();  // the limit exceptions carry no location of their own
        }
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String what = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage();
        if (what.startsWith("Trailing token")) {
            what = "unexpected content after the JSON object"
                    + (at == null ? "" : " (character offset " + at.getCharOffset() + ")") + "; the file holds one object";
        }
        what = what.replaceAll(" \\(bound as `[^`]*`\\)", "").replaceAll(", from `[^`]*`", "")
                .replaceAll(" \\(by `[^`]*`\\)", "").replaceAll("`[^`]*`", "")
                .replaceAll("\\s*\\(\\s*\\)", "");
        return new ConfigException(source + ": invalid JSON" + where + ": " + IoMessages.quote(what.strip(), 300));
    }
}
