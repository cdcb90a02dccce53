package io.lakehub.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * {@code lakehub.maintenance.*} as an operator writes it: defaults, a schedule per table, and a bad value
 * stopping the hub with the key named.
 */
class MaintenancePropertiesTest {

    private static MaintenanceProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("lakehub.maintenance", MaintenanceProperties.class);
    }

    @Test
    void defaultsAndASchedule() {
        MaintenanceProperties p = bind(Map.of(
                "lakehub.maintenance.tables.loans.optimize-every", "1h",
                "lakehub.maintenance.tables.loans.vacuum-retention", "240h",
                "lakehub.maintenance.tables.order_lines.checkpoint-every", "30m"));
        p.validate();
        assertThat(p.getMinRetention()).isEqualTo(Duration.ofHours(168));
        assertThat(p.getTargetFileRows()).isEqualTo(250_000);
        assertThat(p.getInitialDelay()).isEqualTo(Duration.ofMinutes(10));
        assertThat(p.getTables()).containsOnlyKeys("loans", "order_lines");
        assertThat(p.getTables().get("loans").every("optimize")).isEqualTo(Duration.ofHours(1));
        assertThat(p.getTables().get("loans").every("vacuum")).as("absent: off").isNull();
        assertThat(p.getTables().get("order_lines").every("checkpoint")).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> bind(Map.of("lakehub.maintenance.tables.loans.vacuum-retention", "1h")).validate())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lakehub.maintenance.tables.loans.vacuum-retention");
        assertThatThrownBy(() -> bind(Map.of("lakehub.maintenance.tables.loans.optimize-every", "0s")).validate())
                .hasMessageContaining("lakehub.maintenance.tables.loans.optimize-every");
        assertThatThrownBy(() -> bind(Map.of("lakehub.maintenance.target-file-rows", "1")).validate())
                .hasMessageContaining("lakehub.maintenance.target-file-rows");
    }
}
