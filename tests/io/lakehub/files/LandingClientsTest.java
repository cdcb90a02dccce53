package io.lakehub.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import com.azure.storage.file.datalake.DataLakeServiceClient;
import io.lakehub.files.FilesProperties;
import io.lakehub.files.FilesProperties.Landing;
import io.lakehub.files.FilesProperties.LandingCredential;
import io.lakehub.files.FilesProperties.LandingType;
import org.junit.jupiter.api.Test;

/**
 * The configuration of blob and ADLS Gen2 landings, without a server (the dfs endpoint has no emulator):
 * the credential each combination of settings chooses, the endpoints built from an account, the clients
 * built for ADLS, and the errors of an incomplete landing, which name the setting and never a secret.
 */
class LandingClientsTest {

    static Landing adls() {
        Landing l = new Landing();
        l.setName("products");
        l.setType(LandingType.ADLS);
        l.setContainer("raw");
        l.setPrefix("incoming/products");
        l.setArchivePrefix("archive/products");
        l.setAccount("lakehubdev");
        return l;
    }

    @Test
    void autoChoosesConnectionStringThenSasThenAccountKeyThenAzureIdentity() {
        Landing l = adls();
        assertThat(LandingClients.choose(l)).isEqualTo(new LandingClients.Choice(LandingCredential.AZURE_IDENTITY,
                "https://lakehubdev.dfs.core.windows.net"));
        l.setAccountKey("a2V5");
        assertThat(LandingClients.choose(l).credential()).isEqualTo(LandingCredential.ACCOUNT_KEY);
        l.setSasToken("?sv=2024-08-04&sig=abc");
        assertThat(LandingClients.choose(l).credential()).isEqualTo(LandingCredential.SAS);
        assertThat(LandingClients.sas(l)).isEqualTo("sv=2024-08-04&sig=abc");
        l.setConnectionString("DefaultEndpointsProtocol=https;AccountName=lakehubdev;AccountKey=a2V5;EndpointSuffix=core.windows.net");
        assertThat(LandingClients.choose(l)).isEqualTo(new LandingClients.Choice(LandingCredential.CONNECTION_STRING, null));
    }

    @Test
    void endpointsComeFromTheAccountOrTheSetting() {
        Landing l = adls();
        assertThat(LandingClients.endpoint(l, LandingCredential.SAS)).isEqualTo("https://lakehubdev.dfs.core.windows.net");
        l.setType(LandingType.BLOB);
        assertThat(LandingClients.endpoint(l, LandingCredential.SAS)).isEqualTo("https://lakehubdev.blob.core.windows.net");
        l.setEndpoint("https://lakehubdev.privatelink.dfs.core.windows.net/");
        assertThat(LandingClients.endpoint(l, LandingCredential.SAS)).isEqualTo("https://lakehubdev.privatelink.dfs.core.windows.net");
    }

    @Test
    void anAdlsClientIsBuiltForEachCredentialWithoutARequest() {
        Landing l = adls();
        l.setCredential(LandingCredential.ACCOUNT_KEY);
        l.setAccountKey("a2V5a2V5a2V5");
        DataLakeServiceClient key = LandingClients.dataLake(l);
        assertThat(key.getAccountUrl()).isEqualTo("https://lakehubdev.dfs.core.windows.net");
        assertThat(key.getAccountName()).isEqualTo("lakehubdev");
        l.setCredential(LandingCredential.SAS);
        l.setSasToken("sv=2024-08-04&ss=b&srt=co&sp=rwdl&sig=abc");
        assertThat(LandingClients.dataLake(l).getAccountUrl()).isEqualTo("https://lakehubdev.dfs.core.windows.net");
        l.setCredential(LandingCredential.AZURE_IDENTITY);
        l.setManagedIdentityClientId("00000000-0000-0000-0000-000000000001");
        assertThat(LandingClients.dataLake(l).getFileSystemClient("raw").getFileSystemName()).isEqualTo("raw");
        l.setCredential(LandingCredential.CONNECTION_STRING);
        l.setConnectionString("DefaultEndpointsProtocol=https;AccountName=other;AccountKey=a2V5a2V5;EndpointSuffix=core.windows.net");
        assertThat(LandingClients.dataLake(l).getAccountName()).isEqualTo("other");
    }

    @Test
    void anIncompleteCredentialNamesWhatIsMissingAndNoSecret() {
        Landing l = adls();
        l.setCredential(LandingCredential.ACCOUNT_KEY);
        assertThatThrownBy(() -> LandingClients.dataLake(l)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lakehub.files.landings[products]").hasMessageContaining("account-key");
        l.setCredential(LandingCredential.SAS);
        assertThatThrownBy(() -> LandingClients.choose(l)).hasMessageContaining("sas-token");
        l.setCredential(LandingCredential.CONNECTION_STRING);
        assertThatThrownBy(() -> LandingClients.choose(l)).hasMessageContaining("connection-string");
        l.setCredential(LandingCredential.AZURE_IDENTITY);
        l.setAccount(null);
        assertThatThrownBy(() -> LandingClients.choose(l)).hasMessageContaining("needs account (or endpoint)");
        Landing secret = adls();
        secret.setCredential(LandingCredential.SAS);
        secret.setAccount(null);
        secret.setSasToken("sv=2024&sig=TOPSECRET");
        assertThatThrownBy(() -> LandingClients.choose(secret)).message().doesNotContain("TOPSECRET");
        assertThat(secret.toString()).doesNotContain("TOPSECRET");
    }

    @Test
    void landingSettingsAreChecked() {
        FilesProperties props = new FilesProperties();
        assertThat(props.effectiveLandings()).singleElement().satisfies(l -> {
            assertThat(l.getName()).isEqualTo(FilesProperties.DEFAULT_LANDING);
            assertThat(l.getType()).isEqualTo(LandingType.LOCAL);
            assertThat(l.getPath()).isEqualTo(props.getLanding());
            assertThat(l.getPollDelay()).isEqualTo(props.getPollDelay());
        });
        Landing under = adls();
        under.setArchivePrefix("incoming/products/done");
        props.setLandings(List.of(under));
        assertThatThrownBy(props::effectiveLandings).hasMessageContaining("lakehub.files.landings[0] (products).archive-prefix")
                .hasMessageContaining("ingested again");
        Landing whole = adls();
        whole.setPrefix("");
        props.setLandings(List.of(whole));
        assertThatThrownBy(props::effectiveLandings).hasMessageContaining("lies under the watched prefix");
        Landing noContainer = adls();
        noContainer.setContainer(" ");
        props.setLandings(List.of(noContainer));
        assertThatThrownBy(props::effectiveLandings).hasMessageContaining(".container").hasMessageContaining("file system");
        props.setLandings(List.of(adls(), adls()));
        assertThatThrownBy(props::effectiveLandings).hasMessageContaining("used by an earlier landing");
        assertThat(Landing.folder("/incoming/products/")).isEqualTo("incoming/products/");
    }

    @Test
    void anArchivePathKeepsTheFoldersUnderThePrefix() {
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        assertThat(LandedFile.archivePath("archive/", "2025/title.basics.tsv.gz", "R1", false))
                .isEqualTo("archive/" + today + "/2025/title.basics.tsv.gz");
        assertThat(LandedFile.archivePath("archive/", "2025/title.basics.tsv.gz", "R1", true))
                .isEqualTo("archive/" + today + "/2025/R1-title.basics.tsv.gz");
    }
}
