package io.lakehub.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code lakehub.events.alerts} list: threshold rules on the windowed counts of {@link EventAggregator}.
 * Bound beside {@link io.lakehub.events.EventsProperties} on the same prefix, so the events flow's own
 * settings class stays unchanged.
 */
@ConfigurationProperties(prefix = "lakehub.events")
public class AlertRulesProperties {

    /** The rules; none by default. */
    private List<AlertRule> alerts = new ArrayList<>();

    public List<AlertRule> getAlerts() {
        return alerts;
    }

    public void setAlerts(List<AlertRule> alerts) {
        this.alerts = alerts;
    }

    /**
     * One rule: an alert is raised once per (rule, window) when the count of {@code eventType} in a
     * tumbling window of size {@code window} crosses {@code threshold}: {@code above} when an aggregate
     * commit takes the count from at most the threshold to more than it; {@code below} when the window
     * closes (the watermark passes its end plus the allowed lateness) with a count under the threshold.
     */
    public static class AlertRule {
        /** Rule name {@code [A-Za-z0-9_-]+}: the alert file name and the {@code rule} field of the alert. */
        private String name;
        /** The event type counted. */
        private String eventType;
        /** Window of the rule; a multiple of {@code lakehub.events.aggregates.window-size} (null: that size). */
        private Duration window;
        /** The threshold, in events per window. */
        private long threshold;
        /** {@code above} or {@code below}. */
        private String direction = "above";

        public String getName() {
            return name;
        }

        /** @throws IllegalArgumentException if not {@code [A-Za-z0-9_-]+} */
        public void setName(String name) {
            if (name == null || !name.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("lakehub.events.alerts[].name must match [A-Za-z0-9_-]+: " + name);
            }
            this.name = name;
        }

        public String getEventType() {
            return eventType;
        }

        public void setEventType(String eventType) {
            this.eventType = eventType;
        }

        public Duration getWindow() {
            return window;
        }

        public void setWindow(Duration window) {
            this.window = window;
        }

        public long getThreshold() {
            return threshold;
        }

        public void setThreshold(long threshold) {
            this.threshold = threshold;
        }

        public String getDirection() {
            return direction;
        }

        /** @throws IllegalArgumentException unless {@code above} or {@code below} */
        public void setDirection(String direction) {
            if (!"above".equals(direction) && !"below".equals(direction)) {
                throw new IllegalArgumentException("lakehub.events.alerts[].direction must be above or below: " + direction);
            }
            this.direction = direction;
        }
    }
}
