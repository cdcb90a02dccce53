package io.lakehub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.lakehub.events.EventsProperties;
import org.junit.jupiter.api.Test;

/** The declared rules of {@link EventValidator}, one per test, on watch events. */
class EventValidatorTest {

    static final Instant NOW = Instant.parse("2026-11-21T07:00:00Z");

    static EventsProperties watchRules() {
        EventsProperties p = new EventsProperties();
        p.setMaxFutureSkew(Duration.ofMinutes(5));
        EventsProperties.TypeRules watch = new EventsProperties.TypeRules();
        watch.setRequired(List.of("user", "title", "action", "timestamp"));
        watch.getFields().put("user", field("string"));
        watch.getFields().put("title", field("string"));
        EventsProperties.FieldRule action = field("string");
        action.setValues(List.of("start", "finish"));
        watch.getFields().put("action", action);
        watch.getFields().put("timestamp", field("timestamp"));
        EventsProperties.FieldRule position = field("integer");
        position.setMin(0.0);
        position.setMax(86_400.0);
        watch.getFields().put("position", position);
        watch.getFields().put("rating", field("number"));
        watch.getFields().put("subtitles", field("boolean"));
        p.getRules().put("watch", watch);
        return p;
    }

    static EventsProperties.FieldRule field(String type) {
        EventsProperties.FieldRule f = new EventsProperties.FieldRule();
        f.setType(type);
        return f;
    }

    final EventValidator validator = new EventValidator(watchRules());

    List<String> rules(String payload) {
        return validator.validate(payload, NOW).violations().stream().map(v -> v.rule() + ":" + v.field()).toList();
    }

    @Test
    void aCompleteWatchEventIsValidWithItsTypeAndTime() {
        EventValidator.Result r = validator.validate(
                "{\"type\":\"watch\",\"user\":\"u1\",\"title\":\"tt0111161\",\"action\":\"start\",\"timestamp\":\"2026-11-21T06:59:00Z\","
                        + "\"position\":10,\"rating\":4.5,\"subtitles\":true}", NOW);
        assertThat(r.violations()).isEmpty();
        assertThat(r.type()).isEqualTo("watch");
        assertThat(r.eventTime()).isEqualTo(Instant.parse("2026-11-21T06:59:00Z"));
    }

    @Test
    void malformedJsonAndNonObjectsFailWellFormedJson() {
        assertThat(rules("not json")).containsExactly("well-formed-json:null");
        assertThat(rules("{\"type\":")).containsExactly("well-formed-json:null");
        assertThat(rules("[1,2]")).containsExactly("well-formed-json:null");
        assertThat(rules(null)).containsExactly("well-formed-json:null");
    }

    @Test
    void aTypeWithoutRulesOrNoTypeFailsUnknownType() {
        assertThat(rules("{\"type\":\"click\"}")).containsExactly("unknown-type:type");
        assertThat(rules("{\"user\":\"u1\"}")).containsExactly("unknown-type:type");
    }

    @Test
    void missingRequiredFieldsAreEachReported() {
        assertThat(rules("{\"type\":\"watch\",\"title\":\"t\",\"action\":\"start\",\"timestamp\":\"2026-11-21T06:00:00Z\"}"))
                .containsExactly("required:user");
        assertThat(rules("{\"type\":\"watch\",\"user\":null}"))
                .containsExactlyInAnyOrder("required:user", "required:title", "required:action", "required:timestamp");
    }

    @Test
    void wrongTypesFailTheTypeRule() {
        assertThat(rules("{\"type\":\"watch\",\"user\":7,\"title\":\"t\",\"action\":\"start\",\"timestamp\":\"yesterday\","
                + "\"position\":1.5,\"rating\":\"x\",\"subtitles\":\"yes\"}"))
                .containsExactlyInAnyOrder("type:user", "type:timestamp", "type:position", "type:rating", "type:subtitles");
    }

    @Test
    void aValueOutsideTheEnumerationFailsEnum() {
        assertThat(rules("{\"type\":\"watch\",\"user\":\"u\",\"title\":\"t\",\"action\":\"pause\",\"timestamp\":\"2026-11-21T06:00:00Z\"}"))
                .containsExactly("enum:action");
    }

    @Test
    void numbersOutsideTheRangeFailMinOrMax() {
        String base = "{\"type\":\"watch\",\"user\":\"u\",\"title\":\"t\",\"action\":\"start\",\"timestamp\":\"2026-11-21T06:00:00Z\",";
        assertThat(rules(base + "\"position\":-1}")).containsExactly("min:position");
        assertThat(rules(base + "\"position\":90000}")).containsExactly("max:position");
        assertThat(rules(base + "\"position\":86400}")).isEmpty();
    }

    @Test
    void timestampsBeyondTheFutureSkewFailFutureTimestamp() {
        String base = "{\"type\":\"watch\",\"user\":\"u\",\"title\":\"t\",\"action\":\"start\",\"timestamp\":";
        assertThat(rules(base + "\"2026-11-21T07:04:59Z\"}")).as("within the skew").isEmpty();
        assertThat(rules(base + "\"2026-11-23T07:00:00Z\"}")).containsExactly("future-timestamp:timestamp");
        assertThat(rules(base + "\"2026-11-21T09:00:00+02:00\"}")).as("an offset is honoured").isEmpty();
        assertThat(rules(base + "\"2026-11-21T06:00:00\"}")).as("no offset: UTC").isEmpty();
    }

    @Test
    void anUnknownDeclaredFieldTypeIsRejectedAtStart() {
        EventsProperties p = watchRules();
        p.getRules().get("watch").getFields().put("user", field("text"));
        assertThatThrownBy(() -> new EventValidator(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lakehub.events.rules.watch.fields.user.type");
    }
}
