package io.lakehub.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;

import io.lakehub.delta.LakeStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code lakehub.cluster.*} settings as the cluster service gets them, and their errors. */
class ClusterPropertiesTest {

    @TempDir
    Path dir;

    @Test
    void leaseAndHeartbeatBecomeCamelsHeartbeatMultiplier() {
        ClusterProperties p = new ClusterProperties();
        assertThat(p.heartbeatMultiplier()).as("defaults: 10 s lease / 2 s heartbeat").isEqualTo(5);
        p.setHeartbeat(Duration.ofMillis(500));
        p.setLease(Duration.ofSeconds(3));
        assertThat(p.heartbeatMultiplier()).isEqualTo(6);
    }

    @Test
    void aLeaseThatIsNotAWholeMultipleOfTheHeartbeatIsRefused() {
        ClusterProperties p = new ClusterProperties();
        p.setLease(Duration.ofSeconds(5));
        assertThatThrownBy(p::heartbeatMultiplier).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lakehub.cluster.lease (PT5S)").hasMessageContaining("whole multiple");
        p.setLease(Duration.ofSeconds(2));
        assertThatThrownBy(p::heartbeatMultiplier).hasMessageContaining("at least twice");
        p.setHeartbeat(Duration.ZERO);
        assertThatThrownBy(p::heartbeatMultiplier).hasMessageContaining("heartbeat must be positive");
    }

    @Test
    void locksLiveUnderTheLocalLakeUnlessARootIsSet() {
        ClusterProperties p = new ClusterProperties();
        LakeStorage lake = new LakeStorage(dir.resolve("lake").toString());
        assertThat(SqlPollerCluster.lockRoot(p, lake)).isEqualTo(dir.resolve("lake/_hub/cluster").toAbsolutePath());
        p.setRoot(dir.resolve("shared-locks").toString());
        assertThat(SqlPollerCluster.lockRoot(p, lake)).isEqualTo(dir.resolve("shared-locks").toAbsolutePath());
    }

    @Test
    void anAdlsLakeNeedsAnExplicitLockFolder() {
        LakeStorage adls = new LakeStorage("abfss://lake@account.dfs.core.windows.net/hub");
        assertThatThrownBy(() -> SqlPollerCluster.lockRoot(new ClusterProperties(), adls))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lakehub.cluster.root must be set")
                .hasMessageContaining("abfss://lake@account.dfs.core.windows.net/hub");
    }

    @Test
    void theInstanceIdIsConfiguredOrHostnameAndPid() {
        ClusterProperties p = new ClusterProperties();
        assertThat(new HubInstance(p).id()).matches("[A-Za-z0-9._-]+-" + ProcessHandle.current().pid());
        p.setInstanceId("hub-7");
        assertThat(new HubInstance(p).id()).isEqualTo("hub-7");
        p.setInstanceId("hub 7; rm");
        assertThatThrownBy(() -> new HubInstance(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lakehub.cluster.instance-id");
    }
}
