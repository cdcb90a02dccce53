package io.lakehub.cluster;

import java.net.InetAddress;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

/**
 * The name of this hub process among the instances sharing a lake: {@code lakehub.cluster.instance-id},
 * or {@code <hostname>-<pid>} (in a container the hostname is the container or pod name). It is the
 * cluster member id, and each sql-incremental load records it in its lineage
 * ({@code commitInfo.userMetadata.instance}), so the Delta history says which instance wrote a version.
 */
@Component
public class HubInstance {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final String id;

    /**
     * @throws IllegalArgumentException if a configured id is not 1 to 64 letters, digits, {@code .}, {@code _} or {@code -}
     */
    public HubInstance(ClusterProperties props) {
        String configured = props.getInstanceId();
        if (configured == null || configured.isBlank()) {
            this.id = defaultId();
        } else if (ID.matcher(configured.trim()).matches()) {
            this.id = configured.trim();
        } else {
            throw new IllegalArgumentException("lakehub.cluster.instance-id must be 1 to 64 letters, digits, '.', '_'"
                    + " or '-', got '" + configured + "'");
        }
    }

    /** This instance's id. */
    public String id() {
        return id;
    }

    /**
     * {@code <hostname>-<pid>}, with characters outside {@code [A-Za-z0-9._-]} replaced by {@code _}: two
     * processes on one machine differ by pid, two containers by hostname.
     */
    public static String defaultId() {
        return DefaultId.ID;
    }

    /** Computed once per process: the hostname lookup may ask DNS. */
    private static final class DefaultId {
        static final String ID = compute();
    }

    private static String compute() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "localhost";
            }
        }
        String id = host.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + ProcessHandle.current().pid();
        return id.length() > 64 ? id.substring(id.length() - 64) : id;
    }
}
