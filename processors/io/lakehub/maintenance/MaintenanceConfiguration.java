package io.lakehub.maintenance;

import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.TableMaintenance;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The table maintenance service shared by the admin API and the maintenance schedules. */
@Configuration(proxyBeanMethods = false)
public class MaintenanceConfiguration {

    /**
     * OPTIMIZE, VACUUM and CHECKPOINT on the lake, with {@code lakehub.maintenance.min-retention} and
     * {@code target-file-rows}.
     *
     * @throws IllegalArgumentException at start if a {@code lakehub.maintenance.*} setting is invalid
     */
    @Bean
    public TableMaintenance tableMaintenance(LakeStorage lake, MaintenanceProperties props) {
        props.validate();
        return new TableMaintenance(lake, props.getMinRetention(), props.getTargetFileRows());
    }
}
