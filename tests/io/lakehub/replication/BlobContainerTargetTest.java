package io.lakehub.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import io.lakehub.testsupport.Azurite;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Blob target against a real Azurite Blob service, configured the way a storage account is
 * (account name, key from the environment, endpoint): publishing commits block lists only after every
 * file is staged, so a publish that fails half-way leaves no visible blob.
 */
class BlobContainerTargetTest {

    @TempDir
    Path dir;

    BlobContainerTarget target;

    @BeforeEach
    void setUp() {
        String endpoint = Azurite.blobEndpoint();
        ReplicationProperties.Target config = new ReplicationProperties.Target();
        config.setType(ReplicationProperties.TargetType.BLOB);
        config.setContainer("t" + UUID.randomUUID().toString().replace("-", "").substring(0, 20));
        config.setPath("team-a");
        config.setAccountName(Azurite.ACCOUNT);
        config.setAccountKey(Azurite.ACCOUNT_KEY);
        config.setEndpoint(endpoint);
        target = new BlobContainerTarget("partner", config, dir.resolve("staging"));
    }

    private Path staged(String id, String... files) throws IOException {
        Path folder = target.stagingFolder(id);
        for (String f : files) {
            Path p = folder.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, "content of " + f);
        }
        return folder;
    }

    @Test
    void aPublishedReplicaIsListedReadAndItsLineageReplaced() throws Exception {
        Path folder = staged("rep-1", "part-0.csv", "_delta_log/00000000000000000000.json", "_lineage.json");
        assertThat(target.exists("x/one")).isFalse();
        target.publish(folder, "x/one", List.of("part-0.csv", "_delta_log/00000000000000000000.json", "_lineage.json"));
        assertThat(target.exists("x/one")).isTrue();
        assertThat(target.list("x/one")).containsExactly(
                new ReplicaTarget.RemoteFile("_delta_log/00000000000000000000.json", 47),
                new ReplicaTarget.RemoteFile("_lineage.json", 24),
                new ReplicaTarget.RemoteFile("part-0.csv", 21));
        try (InputStream in = target.open("x/one", "part-0.csv")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("content of part-0.csv");
        }
        target.replace("x/one", "_lineage.json", "{\"validation\":\"PASSED\"}".getBytes(StandardCharsets.UTF_8));
        try (InputStream in = target.open("x/one", "_lineage.json")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("PASSED");
        }
        assertThat(target.location("x/one")).endsWith("/team-a/x/one/").doesNotContain(Azurite.ACCOUNT_KEY);
    }

    @Test
    void aPublishThatFailsHalfWayLeavesNoVisibleBlob() throws Exception {
        Path folder = staged("rep-2", "part-0.csv");
        // the second file is missing: its staging fails after the first file's blocks were uploaded
        assertThatThrownBy(() -> target.publish(folder, "x/two", List.of("part-0.csv", "part-1.csv", "_lineage.json")))
                .isInstanceOf(IOException.class);
        assertThat(target.exists("x/two")).isFalse();
        assertThat(target.list("x/two")).isEmpty();
    }

    @Test
    void anExistingReplicaIsNeverOverwritten() throws Exception {
        target.publish(staged("rep-3", "_lineage.json"), "x/three", List.of("_lineage.json"));
        Path again = staged("rep-4", "_lineage.json");
        Files.writeString(again.resolve("_lineage.json"), "another replication");
        assertThatThrownBy(() -> target.publish(again, "x/three", List.of("_lineage.json"))).isInstanceOf(IOException.class);
        try (InputStream in = target.open("x/three", "_lineage.json")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("content of _lineage.json");
        }
    }
}
