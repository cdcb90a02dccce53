package io.lakehub.files;

import java.util.Locale;

import com.azure.core.credential.AzureSasCredential;
import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.file.datalake.DataLakeServiceClient;
import com.azure.storage.file.datalake.DataLakeServiceClientBuilder;
import io.lakehub.files.FilesProperties.Landing;
import io.lakehub.files.FilesProperties.LandingCredential;
import io.lakehub.files.FilesProperties.LandingType;

/**
 * Builds the Azure Storage clients of a blob or ADLS Gen2 landing from its typed settings, choosing the
 * credential as {@link LandingCredential} describes: a connection string, Shared Key (account and key),
 * a SAS token, or Azure identity ({@code DefaultAzureCredential} of azure-identity, which tries the
 * environment's service principal, workload identity, managed identity and the Azure CLI in turn).
 *
 * <p>The endpoint is the configured one, else {@code https://<account>.blob.core.windows.net} for Blob and
 * {@code https://<account>.dfs.core.windows.net} for ADLS Gen2 (learn.microsoft.com/azure/storage/common/storage-account-overview#standard-endpoints).
 * With a connection string the endpoint comes from it. Errors name the landing and the setting that is
 * missing and never print a secret (DESIGN.md invariant 7). Building a client sends no request; the
 * credentials are first used by the landing's first listing.
 */
public final class LandingClients {

    private LandingClients() {
    }

    /** The credential a landing uses and the endpoint it talks to (null with a connection string: it names it). */
    public record Choice(LandingCredential credential, String endpoint) {
    }

    /**
     * The credential and endpoint of a blob or ADLS landing, without building anything.
     *
     * @throws IllegalArgumentException naming {@code lakehub.files.landings[<name>]} and what is missing:
     *                                  the secret of the chosen credential, or an account (or endpoint) for Shared Key, SAS and Azure identity
     */
    public static Choice choose(Landing landing) {
        if (landing.getType() == LandingType.LOCAL) {
            throw new IllegalArgumentException(where(landing) + " is a local folder: it has no storage client");
        }
        LandingCredential c = landing.getCredential() == null ? LandingCredential.AUTO : landing.getCredential();
        if (c == LandingCredential.AUTO) {
            if (set(landing.getConnectionString())) {
                c = LandingCredential.CONNECTION_STRING;
            } else if (set(landing.getSasToken())) {
                c = LandingCredential.SAS;
            } else if (set(landing.getAccountKey())) {
                c = LandingCredential.ACCOUNT_KEY;
            } else {
                c = LandingCredential.AZURE_IDENTITY;
            }
        }
        switch (c) {
            case CONNECTION_STRING -> {
                if (!set(landing.getConnectionString())) {
                    throw new IllegalArgumentException(where(landing) + ": credential connection-string needs connection-string "
                            + "(e.g. from the environment variable of your choice: connection-string: ${MY_STORAGE_CONNECTION_STRING})");
                }
                return new Choice(c, null);
            }
            case ACCOUNT_KEY -> {
                if (!set(landing.getAccount()) || !set(landing.getAccountKey())) {
                    throw new IllegalArgumentException(where(landing) + ": credential account-key needs account and account-key"
                            + " (the key from the environment)");
                }
            }
            case SAS -> {
                if (!set(landing.getSasToken())) {
                    throw new IllegalArgumentException(where(landing) + ": credential sas needs sas-token (from the environment)");
                }
            }
            case AZURE_IDENTITY -> {
                // DefaultAzureCredential finds its own settings (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE, ...)
            }
            default -> throw new IllegalArgumentException(where(landing) + ": unknown credential " + c);
        }
        return new Choice(c, endpoint(landing, c));
    }

    /**
     * The service endpoint of a landing: {@code endpoint} when set (trailing slash removed), else the
     * account's public Blob or dfs endpoint.
     *
     * @throws IllegalArgumentException if neither endpoint nor account is set
     */
    public static String endpoint(Landing landing, LandingCredential credential) {
        if (set(landing.getEndpoint())) {
            String e = landing.getEndpoint().strip();
            return e.endsWith("/") ? e.substring(0, e.length() - 1) : e;
        }
        if (!set(landing.getAccount())) {
            throw new IllegalArgumentException(where(landing) + ": credential " + credential.name().toLowerCase(Locale.ROOT).replace('_', '-')
                    + " needs account (or endpoint)");
        }
        String service = landing.getType() == LandingType.ADLS ? "dfs" : "blob";
        return "https://" + landing.getAccount().strip() + "." + service + ".core.windows.net";
    }

    /**
     * The Blob service client of a blob landing (thread-safe, one per landing).
     *
     * @throws IllegalArgumentException as {@link #choose}
     */
    public static BlobServiceClient blob(Landing landing) {
        Choice choice = choose(landing);
        BlobServiceClientBuilder b = new BlobServiceClientBuilder();
        switch (choice.credential()) {
            case CONNECTION_STRING -> b.connectionString(landing.getConnectionString());
            case ACCOUNT_KEY -> b.endpoint(choice.endpoint())
                    .credential(new StorageSharedKeyCredential(landing.getAccount().strip(), landing.getAccountKey().strip()));
            case SAS -> b.endpoint(choice.endpoint()).credential(new AzureSasCredential(sas(landing)));
            default -> b.endpoint(choice.endpoint()).credential(identity(landing));
        }
        return b.buildClient();
    }

    /**
     * The Data Lake service client of an ADLS Gen2 landing (thread-safe, one per landing).
     *
     * @throws IllegalArgumentException as {@link #choose}
     */
    public static DataLakeServiceClient dataLake(Landing landing) {
        Choice choice = choose(landing);
        DataLakeServiceClientBuilder b = new DataLakeServiceClientBuilder();
        switch (choice.credential()) {
            case CONNECTION_STRING -> b.connectionString(landing.getConnectionString());
            case ACCOUNT_KEY -> b.endpoint(choice.endpoint())
                    .credential(new StorageSharedKeyCredential(landing.getAccount().strip(), landing.getAccountKey().strip()));
            case SAS -> b.endpoint(choice.endpoint()).credential(new AzureSasCredential(sas(landing)));
            default -> b.endpoint(choice.endpoint()).credential(identity(landing));
        }
        return b.buildClient();
    }

    /** The SAS token without its leading {@code ?}, as {@link AzureSasCredential} takes it. */
    static String sas(Landing landing) {
        String s = landing.getSasToken().strip();
        return s.startsWith("?") ? s.substring(1) : s;
    }

    private static TokenCredential identity(Landing landing) {
        DefaultAzureCredentialBuilder b = new DefaultAzureCredentialBuilder();
        if (set(landing.getManagedIdentityClientId())) {
            b.managedIdentityClientId(landing.getManagedIdentityClientId().strip());
        }
        return b.build();
    }

    private static String where(Landing landing) {
        return "lakehub.files.landings[" + landing.getName() + "]";
    }

    private static boolean set(String s) {
        return s != null && !s.isBlank();
    }
}
