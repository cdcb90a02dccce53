package io.lakehub.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import io.lakehub.cluster.ClusterProperties;
import io.lakehub.config.LakeConfiguration;
import io.lakehub.config.LakehubProperties;
import io.lakehub.sample.SampleProperties;
import io.lakehub.sql.SqlProperties;
import io.lakehub.delta.LakeStorage;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.azurebfs.AbfsConfiguration;
import org.apache.hadoop.fs.azurebfs.AzureBlobFileSystem;
import org.apache.hadoop.fs.azurebfs.oauth2.ClientCredsTokenProvider;
import org.apache.hadoop.fs.azurebfs.oauth2.MsiTokenProvider;
import org.apache.hadoop.fs.azurebfs.oauth2.WorkloadIdentityTokenProvider;
import org.apache.hadoop.fs.azurebfs.services.AuthType;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;

/**
 * config/application-azure.yaml, resolved the way Spring Boot resolves it (application.yaml below the
 * profile, placeholders from a given environment), down to what the ABFS connector and the JDBC driver
 * receive: the lake's {@code abfss://} root and the Hadoop configuration {@link LakeStorage} builds, the
 * token provider Hadoop creates from it for each sign-in mode, and the Azure SQL URL. Nothing connects to
 * Azure (ADLS Gen2 has no local emulator; the README names this limit).
 */
class AzureProfileTest {

    private static final String ACCOUNT = "contosolake.dfs.core.windows.net";

    /** The properties Spring would see with the azure profile and these environment variables. */
    private static StandardEnvironment azure(Map<String, Object> env) throws Exception {
        StandardEnvironment e = new StandardEnvironment();
        e.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        e.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        e.getPropertySources().addFirst(new MapPropertySource("env", env));
        YamlPropertySourceLoader yaml = new YamlPropertySourceLoader();
        yaml.load("azure", new FileSystemResource("config/application-azure.yaml")).forEach(e.getPropertySources()::addLast);
        yaml.load("default", new FileSystemResource("application.yaml")).forEach(e.getPropertySources()::addLast);
        return e;
    }

    private static Map<String, Object> baseEnv() {
        Map<String, Object> env = new HashMap<>();
        env.put("LAKEHUB_ADLS_ACCOUNT", "contosolake");
        env.put("LAKEHUB_ADLS_CONTAINER", "medallion");
        env.put("LAKEHUB_SQL_SERVER", "contoso-sql");
        env.put("LAKEHUB_SQL_DATABASE", "sales");
        return env;
    }

    private static LakeStorage lake(StandardEnvironment e) {
        LakehubProperties props = Binder.get(e).bind("lakehub", LakehubProperties.class).get();
        return new LakeConfiguration().lakeStorage(props);
    }

    @Test
    void managedIdentityIsTheDefaultSignInToTheLake() throws Exception {
        Map<String, Object> env = baseEnv();
        env.put("AZURE_CLIENT_ID", "11111111-2222-3333-4444-555555555555");
        LakeStorage lake = lake(azure(env));

        assertThat(lake.root()).isEqualTo("abfss://medallion@" + ACCOUNT + "/lakehub");
        assertThat(lake.isLocal()).isFalse();
        assertThat(lake.silverTable("loans").toString()).isEqualTo("abfss://medallion@" + ACCOUNT + "/lakehub/silver/loans");
        Configuration conf = lake.conf();
        assertThat(conf.get("fs.azure.account.auth.type")).isEqualTo("OAuth");
        assertThat(conf.get("fs.azure.account.oauth.provider.type")).isEqualTo(MsiTokenProvider.class.getName());
        assertThat(conf.get("fs.azure.account.oauth2.client.id")).isEqualTo("11111111-2222-3333-4444-555555555555");
        assertThat(conf.get("fs.azure.account.oauth2.client.secret")).as("blank settings stay unset").isNull();
        assertThat(conf.get("fs.file.impl")).as("the local-file settings are kept").isEqualTo("org.apache.hadoop.fs.RawLocalFileSystem");

        AbfsConfiguration abfs = new AbfsConfiguration(conf, ACCOUNT);
        assertThat(abfs.getAuthType(ACCOUNT)).isEqualTo(AuthType.OAuth);
        assertThat(abfs.getTokenProvider()).isInstanceOf(MsiTokenProvider.class);
    }

    @Test
    void aServicePrincipalSignsInWithItsSecretFromTheEnvironment() throws Exception {
        Map<String, Object> env = baseEnv();
        env.put("LAKEHUB_ADLS_TOKEN_PROVIDER", "ClientCredsTokenProvider");
        env.put("AZURE_CLIENT_ID", "app-id");
        env.put("AZURE_CLIENT_SECRET", "s3cret-from-key-vault");
        env.put("LAKEHUB_ADLS_TOKEN_ENDPOINT", "https://login.microsoftonline.com/tenant-id/oauth2/token");
        Configuration conf = lake(azure(env)).conf();
        assertThat(conf.get("fs.azure.account.oauth2.client.endpoint")).isEqualTo("https://login.microsoftonline.com/tenant-id/oauth2/token");
        assertThat(conf.get("fs.azure.account.oauth2.client.secret")).isEqualTo("s3cret-from-key-vault");
        assertThat(new AbfsConfiguration(conf, ACCOUNT).getTokenProvider()).isInstanceOf(ClientCredsTokenProvider.class);

        // without the secret, Hadoop refuses to build the provider and names the missing key
        env.remove("AZURE_CLIENT_SECRET");
        Configuration noSecret = lake(azure(env)).conf();
        assertThatThrownBy(() -> new AbfsConfiguration(noSecret, ACCOUNT).getTokenProvider())
                .hasStackTraceContaining("fs.azure.account.oauth2.client.secret");
    }

    @Test
    void aksWorkloadIdentityReadsTheFederatedTokenFile() throws Exception {
        Map<String, Object> env = baseEnv();
        env.put("LAKEHUB_ADLS_TOKEN_PROVIDER", "WorkloadIdentityTokenProvider");
        env.put("AZURE_CLIENT_ID", "wi-client");
        env.put("AZURE_TENANT_ID", "wi-tenant");
        env.put("AZURE_FEDERATED_TOKEN_FILE", "/var/run/secrets/azure/tokens/azure-identity-token");
        Configuration conf = lake(azure(env)).conf();
        assertThat(conf.get("fs.azure.account.oauth2.token.file")).isEqualTo("/var/run/secrets/azure/tokens/azure-identity-token");
        assertThat(new AbfsConfiguration(conf, ACCOUNT).getTokenProvider()).isInstanceOf(WorkloadIdentityTokenProvider.class);
    }

    @Test
    void theAbfssFilesystemOpensWithoutTouchingTheNetwork() throws Exception {
        LakeStorage lake = lake(azure(baseEnv()));
        // hadoop-azure is on the classpath without its WASB-only dependencies; opening the filesystem only
        // configures it (the first request would fetch a token and reach the account)
        try (FileSystem fs = FileSystem.newInstance(lake.path("silver").toUri(), lake.conf())) {
            assertThat(fs).isInstanceOf(AzureBlobFileSystem.class);
            assertThat(fs.getUri().toString()).isEqualTo("abfss://medallion@" + ACCOUNT);
        }
    }

    @Test
    void azureSqlUrlAndNoDemoTablesComeFromTheProfile() throws Exception {
        StandardEnvironment e = azure(baseEnv());
        assertThat(e.getProperty("spring.datasource.url")).isEqualTo("jdbc:sqlserver://contoso-sql.database.windows.net:1433;"
                + "database=sales;encrypt=true;trustServerCertificate=false;hostNameInCertificate=*.database.windows.net;"
                + "loginTimeout=30;authentication=SqlPassword");
        Map<String, Object> mi = baseEnv();
        mi.put("LAKEHUB_SQL_AUTHENTICATION", "ActiveDirectoryManagedIdentity");
        assertThat(azure(mi).getProperty("spring.datasource.url")).endsWith(";authentication=ActiveDirectoryManagedIdentity");
        SampleProperties sample = Binder.get(e).bind("lakehub.sample", SampleProperties.class).get();
        assertThat(sample.getLendingclub().isEnabled()).isFalse();
        SqlProperties sql = Binder.get(e).bind("lakehub.sql", SqlProperties.class).get();
        assertThat(sql.getTables()).as("the demo loans source of application.yaml is not polled").isEmpty();
        ClusterProperties cluster = Binder.get(e).bind("lakehub.cluster", ClusterProperties.class).get();
        assertThat(cluster.isEnabled()).isFalse();
    }

    @Test
    void aMissingStorageAccountIsAClearStartError() throws Exception {
        Map<String, Object> env = baseEnv();
        env.remove("LAKEHUB_ADLS_ACCOUNT");
        assertThatThrownBy(() -> lake(azure(env))).hasStackTraceContaining("LAKEHUB_ADLS_ACCOUNT");
    }
}
