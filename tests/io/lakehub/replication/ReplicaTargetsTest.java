package io.lakehub.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Target configuration and destination paths: which targets exist, what each needs, where a replica
 * may go. ADLS Gen2 has no emulator here, so its target is tested for its configuration only.
 */
class ReplicaTargetsTest {

    @TempDir
    Path dir;

    static ReplicationProperties.Target target(ReplicationProperties.TargetType type) {
        ReplicationProperties.Target t = new ReplicationProperties.Target();
        t.setType(type);
        return t;
    }

    @Test
    void onlyConfiguredTargetsExist() {
        ReplicationProperties props = new ReplicationProperties();
        ReplicationProperties.Target local = target(ReplicationProperties.TargetType.LOCAL);
        local.setRoot(dir.resolve("replicas").toString());
        props.getTargets().put("replicas", local);
        ReplicaTargets targets = new ReplicaTargets(props);
        assertThat(targets.get("replicas").type()).isEqualTo("local");
        assertThat(targets.describe()).containsExactly(java.util.Map.entry("replicas", "local"));
        assertThatThrownBy(() -> targets.get("elsewhere")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'elsewhere' is not a configured replication target; configured: [replicas]");
        assertThatThrownBy(() -> targets.get(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void adlsTargetIsBuiltFromAccountKeyAndEndpointWithoutShowingTheKey() {
        ReplicationProperties props = new ReplicationProperties();
        ReplicationProperties.Target adls = target(ReplicationProperties.TargetType.ADLS);
        adls.setContainer("partner");
        adls.setPath("from-lakehub");
        adls.setAccountName("partneracct");
        adls.setAccountKey("c2VjcmV0LWtleS1ub3QtdG8tYmUtc2hvd24=");
        props.getTargets().put("partner-adls", adls);
        ReplicaTarget t = new ReplicaTargets(props).get("partner-adls");
        assertThat(t.type()).isEqualTo("adls");
        assertThat(t.location("insurance/anthem"))
                .isEqualTo("https://partneracct.dfs.core.windows.net/partner/from-lakehub/insurance/anthem")
                .doesNotContain("c2VjcmV0");

        adls.setEndpoint("https://adls.example.test");
        assertThat(AdlsGen2Target.endpoint(adls)).isEqualTo("https://adls.example.test");
        assertThatThrownBy(() -> t.location("../x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void remoteTargetsRefuseMissingSettings() {
        ReplicationProperties props = new ReplicationProperties();
        ReplicationProperties.Target adls = target(ReplicationProperties.TargetType.ADLS);
        adls.setAccountName("acct");
        props.getTargets().put("a", adls);
        assertThatThrownBy(() -> new ReplicaTargets(props)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(adls) needs a container");
        adls.setContainer("fs");
        assertThatThrownBy(() -> new ReplicaTargets(props)).hasMessageContaining("needs connection-string, or account-name and account-key");

        ReplicationProperties blobProps = new ReplicationProperties();
        ReplicationProperties.Target blob = target(ReplicationProperties.TargetType.BLOB);
        blob.setContainer("c");
        blobProps.getTargets().put("b", blob);
        assertThatThrownBy(() -> new ReplicaTargets(blobProps)).hasMessageContaining("(blob) needs connection-string");

        ReplicationProperties localProps = new ReplicationProperties();
        localProps.getTargets().put("l", target(ReplicationProperties.TargetType.LOCAL));
        assertThatThrownBy(() -> new ReplicaTargets(localProps)).hasMessageContaining("needs a root folder");

        ReplicationProperties badName = new ReplicationProperties();
        ReplicationProperties.Target l = target(ReplicationProperties.TargetType.LOCAL);
        l.setRoot(dir.toString());
        badName.getTargets().put("a b", l);
        assertThatThrownBy(() -> new ReplicaTargets(badName)).hasMessageContaining("[A-Za-z0-9_-]{1,64}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/../../x", "/etc", "a\\b", "C:/x", "a//b", ".staging/x", "a/./b", "", " ",
        "a/.hidden", "x?y", "a/b c"})
    void pathsThatCouldLeaveTheTargetAreRefused(String path) {
        assertThatThrownBy(() -> ReplicaPaths.check(path)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ordinaryPathsAreKeptAndStayInside() throws Exception {
        assertThat(ReplicaPaths.check("insurance_complaints/anthem/")).isEqualTo("insurance_complaints/anthem");
        assertThat(ReplicaPaths.check("year=2025/v1.2")).isEqualTo("year=2025/v1.2");
        Path root = Files.createDirectories(dir.resolve("root"));
        assertThat(ReplicaPaths.resolveInside(root, "a/b")).isEqualTo(root.resolve("a/b"));
        assertThatThrownBy(() -> ReplicaPaths.resolveInside(root, "a/../../b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLocalPublishIsOneRenameAndNeverOverwrites() throws Exception {
        LocalFolderTarget t = new LocalFolderTarget("replicas", dir.resolve("replicas").toString());
        Path staged = t.stagingFolder("rep-1");
        Files.writeString(staged.resolve("part-00000.csv"), "a\n");
        t.publish(staged, "x/one", java.util.List.of("part-00000.csv"));
        assertThat(staged).doesNotExist();
        assertThat(t.list("x/one")).containsExactly(new ReplicaTarget.RemoteFile("part-00000.csv", 2));
        Path again = t.stagingFolder("rep-2");
        Files.writeString(again.resolve("part-00000.csv"), "b\n");
        assertThatThrownBy(() -> t.publish(again, "x/one", java.util.List.of("part-00000.csv")))
                .isInstanceOf(java.io.IOException.class);
        assertThat(Files.readString(dir.resolve("replicas/x/one/part-00000.csv"))).isEqualTo("a\n");
    }
}
