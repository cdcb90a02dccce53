package io.lakehub.events;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.events.EventsProperties;

/**
 * Checks one event payload against the declared rules of its type ({@code lakehub.events.rules}).
 *
 * <p>Rules, by name: {@code well-formed-json} (the payload is a JSON object), {@code unknown-type}
 * (the type field names a type with declared rules), {@code required} (present and not null),
 * {@code type} (string, integer, number, boolean or timestamp), {@code enum} (one of the declared
 * values), {@code min}/{@code max} (numeric bounds), {@code future-timestamp} (a timestamp no later than
 * the hub clock plus {@code max-future-skew}). A payload without the type field has type
 * {@code default-type} when one is set (a stream of a single type). Timestamps are ISO-8601 with an offset
 * ({@code 2026-11-21T07:00:00Z}) or without one (read as UTC). All failed rules are reported, not
 * only the first. Stateless and thread-safe.
 */
public final class EventValidator {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A failed rule: its name, the field it concerns (null for the whole event) and a message. */
    public record Violation(String rule, String field, String message) {
    }

    /**
     * The outcome for one payload.
     *
     * @param type       the event type, or null when it could not be read
     * @param eventTime  the value of the time field, or null when absent or not a timestamp
     * @param violations failed rules; empty when the event is valid
     */
    public record Result(String type, Instant eventTime, List<Violation> violations) {
        public boolean valid() {
            return violations.isEmpty();
        }
    }

    private final Map<String, EventsProperties.TypeRules> rules;
    private final String typeField;
    private final String timeField;
    private final String defaultType;
    private final Duration maxFutureSkew;

    /** @throws IllegalArgumentException if a declared field type is not one of the five */
    public EventValidator(EventsProperties props) {
        props.getRules().forEach((type, r) -> r.getFields().forEach((field, f) -> {
            if (f.getType() != null && !List.of("string", "integer", "number", "boolean", "timestamp")
                    .contains(f.getType().toLowerCase())) {
                throw new IllegalArgumentException("lakehub.events.rules." + type + ".fields." + field + ".type: unknown type '"
                        + f.getType() + "' (string, integer, number, boolean, timestamp)");
            }
        }));
        this.rules = props.getRules();
        this.typeField = props.getTypeField();
        this.timeField = props.getTimeField();
        this.defaultType = props.getDefaultType();
        this.maxFutureSkew = props.getMaxFutureSkew();
    }

    /**
     * @param payload the event body as received (may be null)
     * @param now     the hub clock, for the future-timestamp rule
     */
    public Result validate(String payload, Instant now) {
        List<Violation> out = new ArrayList<>();
        JsonNode event;
        try {
            event = payload == null ? null : JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            event = null;
        }
        if (event == null || !event.isObject()) {
            out.add(new Violation("well-formed-json", null, "payload is not a JSON object"));
            return new Result(null, null, out);
        }
        JsonNode typeNode = event.get(typeField);
        String type = typeNode == null || typeNode.isNull() ? defaultType : typeNode.asText();
        Instant eventTime = timestamp(event.get(timeField));
        EventsProperties.TypeRules typeRules = type == null ? null : rules.get(type);
        if (typeRules == null) {
            out.add(new Violation("unknown-type", typeField,
                    type == null ? "no event type in field '" + typeField + "'" : "no rules declared for event type '" + type + "'"));
            return new Result(type, eventTime, out);
        }
        for (String field : typeRules.getRequired()) {
            JsonNode v = event.get(field);
            if (v == null || v.isNull()) {
                out.add(new Violation("required", field, "missing required field"));
            }
        }
        for (Map.Entry<String, EventsProperties.FieldRule> e : typeRules.getFields().entrySet()) {
            JsonNode v = event.get(e.getKey());
            if (v != null && !v.isNull()) {
                check(e.getKey(), v, e.getValue(), now, out);
            }
        }
        return new Result(type, eventTime, out);
    }

    private void check(String field, JsonNode v, EventsProperties.FieldRule rule, Instant now, List<Violation> out) {
        String type = rule.getType() == null ? null : rule.getType().toLowerCase();
        if (type != null) {
            Instant ts = type.equals("timestamp") ? timestamp(v) : null;
            boolean ok = switch (type) {
                case "string" -> v.isTextual();
                case "integer" -> v.isIntegralNumber();
                case "number" -> v.isNumber();
                case "boolean" -> v.isBoolean();
                case "timestamp" -> ts != null;
                default -> throw new IllegalArgumentException("field " + field + ": unknown type '" + rule.getType()
                        + "' (string, integer, number, boolean, timestamp)");
            };
            if (!ok) {
                out.add(new Violation("type", field, "expected " + type + ", got " + v));
                return;
            }
            if (type.equals("timestamp")) {
                Instant t = ts;
                if (t.isAfter(now.plus(maxFutureSkew))) {
                    out.add(new Violation("future-timestamp", field, t + " is more than " + maxFutureSkew
                            + " after the hub clock " + now));
                }
            }
        }
        if (!rule.getValues().isEmpty() && !rule.getValues().contains(v.asText())) {
            out.add(new Violation("enum", field, "'" + v.asText() + "' is not one of " + rule.getValues()));
        }
        if (rule.getMin() != null || rule.getMax() != null) {
            if (!v.isNumber()) {
                out.add(new Violation("type", field, "expected a number for the range check, got " + v));
            } else if (rule.getMin() != null && v.asDouble() < rule.getMin()) {
                out.add(new Violation("min", field, v.asText() + " is below the minimum " + rule.getMin()));
            } else if (rule.getMax() != null && v.asDouble() > rule.getMax()) {
                out.add(new Violation("max", field, v.asText() + " is above the maximum " + rule.getMax()));
            }
        }
    }

    /** An ISO-8601 timestamp text as an instant (no offset: UTC), or null when it is not one. */
    static Instant timestamp(JsonNode v) {
        if (v == null || !v.isTextual()) {
            return null;
        }
        String text = v.asText();
        Instant fast = utc(text);
        if (fast != null) {
            return fast;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    /**
     * The common UTC form {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} read without java.time's formatter, which
     * costs several microseconds an event on the bulk path; null for any other form (the caller then
     * parses it fully, with the same result for this form). Field ranges are checked by {@code LocalDateTime.of}.
     */
    private static Instant utc(String t) {
        int n = t.length();
        if (n < 20 || n > 30 || t.charAt(n - 1) != 'Z' || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T'
                || t.charAt(13) != ':' || t.charAt(16) != ':') {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            if (t.charAt(19) != '.' || n == 21) {
                return null;
            }
            int digits = n - 21;
            for (int i = 20; i < n - 1; i++) {
                char c = t.charAt(i);
                if (c < '0' || c > '9') {
                    return null;
                }
                nanos = nanos * 10 + (c - '0');
            }
            for (int i = digits; i < 9; i++) {
                nanos *= 10;
            }
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    private static int digits(String t, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
