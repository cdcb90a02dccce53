package io.lakehub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.lakehub.testsupport.TestUsers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.PageLoadStrategy;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Hawtio console in a real browser: headless Chromium (Debian packages {@code chromium} and
 * {@code chromium-driver}, driven by Selenium) logs in through the hub's login form as an operator,
 * opens the Camel routes view, and finds the hub's route ids there. The screenshot is saved to
 * {@code target/screenshots/hawtio-camel-routes.png}.
 *
 * <p>Skipped when Chromium or ChromeDriver is missing, except with {@code CI=true}, where it fails.
 */
// no @CamelSpringBootTest: its listener turns Camel JMX off, and the console shows Camel through JMX
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HawtioConsoleTest {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("LAKEHUB_CHROMIUM", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("LAKEHUB_CHROMEDRIVER", "/usr/bin/chromedriver"));

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:hawtio;DB_CLOSE_DELAY=-1");
    }

    @LocalServerPort
    int port;

    WebDriver browser;

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void operatorLogsInAndSeesTheCamelRoutes() throws Exception {
        requireBrowser();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // the flags these machines need: no sandbox as root, no GPU, and no background network
        // (the closed network refuses Chromium's own connections)
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1600,1000", "--user-data-dir=" + Files.createTempDirectory("chromium"));
        // the console keeps connections open (Jolokia polling): wait for the DOM, not for every request
        options.setPageLoadStrategy(PageLoadStrategy.EAGER);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));
        String base = "http://127.0.0.1:" + port;

        Path shot = Path.of("target/screenshots/hawtio-camel-routes.png");
        Files.createDirectories(shot.getParent());
        try {
            browser.get(base + "/actuator/hawtio/");
            wait.until(d -> !d.findElements(By.name("username")).isEmpty());
            browser.findElement(By.name("username")).sendKeys(TestUsers.OPERATOR);
            browser.findElement(By.name("password")).sendKeys(TestUsers.OPERATOR_SECRET);
            browser.findElement(By.cssSelector("button[type=submit]")).click();
            wait.until(d -> !d.getCurrentUrl().endsWith("/login"));
            assertThat(browser.getCurrentUrl()).as("after the login form").doesNotContain("error").contains("/actuator/hawtio");

            browser.get(base + "/actuator/hawtio/camel/routes");
            wait.until(d -> d.getPageSource().contains("sql-incremental-poll-loans"));
        } finally {
            Files.writeString(shot.resolveSibling("hawtio-camel-routes.html"), browser.getCurrentUrl() + "\n" + browser.getPageSource());
            try {
                Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            } catch (RuntimeException e) {
                System.err.println("no screenshot: " + e);
            }
        }

        String page = browser.getPageSource();
        assertThat(page).contains("sql-incremental-poll-loans").contains("sql-incremental-load");
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }

    private static void requireBrowser() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return;
        }
        String why = "headless Chromium test needs " + CHROMIUM + " and " + CHROMEDRIVER
                + " (apt-get install chromium chromium-driver)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(why + " [CI=true: failing instead of skipping]");
        }
        Assumptions.abort(why);
    }
}
