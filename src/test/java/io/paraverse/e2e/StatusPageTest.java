package io.paraverse.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.api.ApiServer;
import io.paraverse.daemon.api.BearerToken;
import io.paraverse.daemon.api.DaemonMetrics;
import io.paraverse.daemon.service.DaemonService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The daemon's status page in a real (headless) Chromium against a real daemon running a real migration: the page
 * asks for the token, shows the migration READY with its lag chart filling and its copy progress, pauses and resumes
 * it through its buttons (checked through the API, not just on the page), reports the cutover's answer, and shows a
 * wrong token's 401. Takes a screenshot (docs/status-page.png when -Dparaverse.updateScreenshot=true).
 */
class StatusPageTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String NAME = ShopSplitFixture.NAME;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> output = new ArrayList<>();
    private String base;
    private String token;

    @TempDir
    Path work;

    @Test
    void theStatusPageShowsAndDrivesARunningMigration() throws Exception {
        requireChromium();
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("page-src"))) {
            ShopSplitFixture shop = new ShopSplitFixture(source, work);
            Path yaml = shop.prepare("snapshot", 3000, 1000);
            token = "pg-" + Long.toHexString(Double.doubleToLongBits(Math.random())) + "-token";
            Files.writeString(work.resolve("token"), token);
            DaemonService daemon = new DaemonService(work.resolve("data"), (m, line) -> record(m + ": " + line), (m, t) -> record(m + ": " + t));
            try (daemon; ApiServer api = new ApiServer(daemon, new ApiServer.Settings(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BearerToken.fromFile(work.resolve("token")), null, null),
                    new DaemonMetrics(daemon)).start()) {
                base = "http://127.0.0.1:" + api.port();
                daemon.startAll(List.of());
                shop.startWriter();
                HttpResponse<String> created = call("POST", "/api/v1/migrations", Map.of("path", yaml.toString()));
                assertEquals(201, created.statusCode(), created.body());
                awaitApiPhase("READY", 240);

                WebDriver browser = browser();
                try {
                    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                    browser.get(base + "/");

                    // the page holds no data: it asks for the token first
                    WebElement form = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-form")));
                    assertTrue(browser.findElements(By.cssSelector("section.migration")).isEmpty(), "no migration shown before the token");
                    form.findElement(By.id("token-input")).sendKeys(token);
                    form.findElement(By.id("token-submit")).click();

                    By badge = By.cssSelector("section.migration[data-name='" + NAME + "'] .head .phase-badge");
                    wait.until(ExpectedConditions.textToBe(badge, "READY"));
                    assertEquals(token, sessionToken(browser), "the token is kept in the tab's sessionStorage");

                    // the charts fill from the polls (every 2 s)
                    By lagChart = By.cssSelector("section.migration[data-name='" + NAME + "'] svg.chart-lag");
                    wait.until(d -> Integer.parseInt(d.findElement(lagChart).getAttribute("data-points")) >= 5);
                    String lagPoints = browser.findElement(lagChart).findElement(By.cssSelector("polyline.lag")).getAttribute("points");
                    assertTrue(lagPoints.trim().split("\\s+").length >= 2, "lag polyline: " + lagPoints);
                    String capturePoints = browser.findElement(By.cssSelector("section.migration[data-name='" + NAME + "'] svg.chart-rates polyline.capture"))
                            .getAttribute("points");
                    assertTrue(capturePoints.trim().split("\\s+").length >= 2, "capture polyline: " + capturePoints);

                    // copy progress names the table(s) the API reports
                    JsonNode m = json(call("GET", "/api/v1/migrations/" + NAME, null));
                    assertTrue(m.path("copy").size() > 0, m.toString());
                    for (JsonNode c : m.path("copy")) {
                        WebElement row = browser.findElement(By.cssSelector("section.migration[data-name='" + NAME + "'] tr[data-table='" + c.path("table").asText() + "']"));
                        assertTrue(row.getText().contains(c.path("table").asText()), row.getText());
                    }
                    String verification = browser.findElement(By.cssSelector("section.migration[data-name='" + NAME + "'] .verification")).getText();
                    if (m.path("lastVerification").isMissingNode() || m.path("lastVerification").isNull()) {
                        assertEquals("none yet", verification);
                    }
                    assertTrue(button(browser, "pause").isEnabled() && button(browser, "cutover").isEnabled()
                            && button(browser, "abort").isEnabled() && !button(browser, "resume").isEnabled(), "READY: pause, abort, cutover; no resume");
                    screenshot(browser);

                    // Pause through the page: it asks for the reason; the daemon's phase changes, then the page's
                    button(browser, "pause").click();
                    answerPrompt(wait, "paused from the status page");
                    JsonNode paused = awaitApiPhase("PAUSED", 30);
                    JsonNode last = paused.path("timeline").get(paused.path("timeline").size() - 1);
                    assertTrue(last.path("reason").asText().endsWith("paused from the status page"), paused.toString());
                    wait.until(ExpectedConditions.textToBe(badge, "PAUSED"));
                    wait.until(d -> button(d, "resume").isEnabled() && !button(d, "pause").isEnabled());

                    button(browser, "resume").click();
                    answerPrompt(wait, "resumed from the status page");
                    awaitApiPhase("READY", 60);
                    wait.until(ExpectedConditions.textToBe(badge, "READY"));

                    // Cutover: the dry run's answer (a plan, a refusal or an error) is shown; declining the
                    // confirmation leaves the migration where it was
                    wait.until(d -> button(d, "cutover").isEnabled());
                    button(browser, "cutover").click();
                    By actMessage = By.cssSelector("#messages .msg[data-key='act-" + NAME + "']");
                    wait.until(d -> {
                        dismissAlertIfAny(d);
                        return d.findElements(actMessage).stream().anyMatch(e -> e.getText().toLowerCase().contains("cutover"));
                    });
                    String shown = browser.findElement(actMessage).getText();
                    assertTrue(shown.toLowerCase().contains("cutover"), "the cutover's answer is shown: " + shown);
                    assertEquals("READY", json(call("GET", "/api/v1/migrations/" + NAME, null)).path("phase").asText());

                    // a wrong token: a visible 401 and the token form again
                    browser.findElement(By.id("token-change")).click();
                    WebElement again = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-form")));
                    again.findElement(By.id("token-input")).sendKeys("not-the-token");
                    again.findElement(By.id("token-submit")).click();
                    wait.until(d -> d.findElements(By.cssSelector("#messages .msg.error")).stream()
                            .anyMatch(e -> e.isDisplayed() && e.getText().contains("401")));
                    assertTrue(browser.findElement(By.id("token-form")).isDisplayed(), "asks for the token again");
                    assertFalse(browser.findElement(By.cssSelector("section.migration")).isDisplayed(), "no data shown without a valid token");
                    String message = browser.findElement(By.cssSelector("#messages .msg.error")).getText();
                    assertTrue(message.contains("bearer token"), message);
                    assertFalse(browser.getPageSource().contains(token), "the page never shows the token");

                    // a daemon without a token (loopback only): the page goes straight to the migrations
                    try (ApiServer open = new ApiServer(daemon, ApiServer.Settings.loopback(0), new DaemonMetrics(daemon)).start()) {
                        browser.get("http://127.0.0.1:" + open.port() + "/");
                        wait.until(ExpectedConditions.textToBe(badge, "READY"));
                        assertFalse(browser.findElement(By.id("token-form")).isDisplayed(), "no token asked for");
                        assertTrue(browser.findElement(By.id("conn")).getText().contains("no token needed"),
                                browser.findElement(By.id("conn")).getText());
                    }
                } catch (Throwable t) {
                    keepFailureScreenshot(browser);
                    throw t;
                } finally {
                    browser.quit();
                }
                assertTrue(shop.stopWriter() > 10, "the writer ran throughout");
            }
            String all = String.join("\n", output);
            assertFalse(all.contains(token), "the token never appears in output");
        }
    }

    /** No silent skip: without the browser the suite says what to do. */
    private static void requireChromium() {
        for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(p)) {
                fail(p + " is missing: StatusPageTest drives Debian's headless Chromium; run bin/ensure-prerequisites"
                        + " (it installs chromium and chromium-driver) and run the test again");
            }
        }
    }

    private WebDriver browser() throws Exception {
        // the network is closed: no Selenium Manager, Debian's driver and browser named explicitly
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1280,800", "--user-data-dir=" + Files.createTempDirectory(work, "chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1280, 800));
        return driver;
    }

    private static WebElement button(WebDriver d, String action) {
        return d.findElement(By.cssSelector("section.migration[data-name='" + NAME + "'] button[data-action='" + action + "']"));
    }

    private static void answerPrompt(WebDriverWait wait, String reason) {
        Alert prompt = wait.until(ExpectedConditions.alertIsPresent());
        assertTrue(prompt.getText().contains("Reason"), prompt.getText());
        prompt.sendKeys(reason);
        prompt.accept();
    }

    private static void dismissAlertIfAny(WebDriver d) {
        try {
            d.switchTo().alert().dismiss(); // the cutover's confirmation after a dry run that would go ahead: say no
        } catch (NoAlertPresentException e) {
            // none open
        }
    }

    private static String sessionToken(WebDriver d) {
        Object t = ((ChromeDriver) d).executeScript("return sessionStorage.getItem('paraverse.token')");
        return t == null ? "" : t.toString();
    }

    /**
     * The screenshot: target/status-page.png on every run; docs/status-page.png (docs/STATUS-PAGE.md) only when asked
     * with -Dparaverse.updateScreenshot=true, so a test run never dirties the checkout.
     */
    private static void screenshot(WebDriver d) throws Exception {
        byte[] png = ((TakesScreenshot) d).getScreenshotAs(OutputType.BYTES);
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "status-page.png"), png);
        if (Boolean.getBoolean("paraverse.updateScreenshot")) {
            Path root = Path.of("").toAbsolutePath();
            while (root != null && !(Files.exists(root.resolve("mvnw")) && Files.isDirectory(root.resolve("docs")))) {
                root = root.getParent();
            }
            assertNotNull(root, "no repository root (mvnw + docs/) above " + Path.of("").toAbsolutePath());
            Files.write(root.resolve("docs").resolve("status-page.png"), png);
        }
    }

    /** What the page showed when the test failed, next to the surefire reports. */
    private static void keepFailureScreenshot(WebDriver d) {
        try {
            Path file = Path.of("target", "StatusPageTest-failure.png").toAbsolutePath();
            Files.createDirectories(file.getParent());
            Files.write(file, ((TakesScreenshot) d).getScreenshotAs(OutputType.BYTES));
            System.err.println("StatusPageTest: the page at the failure: " + file);
        } catch (Exception e) {
            System.err.println("StatusPageTest: no failure screenshot: " + e);
        }
    }

    private void record(String line) {
        synchronized (output) {
            output.add(line);
        }
    }

    private JsonNode awaitApiPhase(String phase, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        JsonNode m = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = call("GET", "/api/v1/migrations/" + NAME, null);
            assertEquals(200, r.statusCode(), r.body());
            m = json(r);
            if (phase.equals(m.path("phase").asText())) {
                return m;
            }
            assertNotEquals("FAILED", m.path("phase").asText(), m.toString());
            Thread.sleep(300);
        }
        fail("not " + phase + " within " + seconds + " s: " + m + "\n" + String.join("\n", output));
        return null;
    }

    private HttpResponse<String> call(String method, String path, Map<String, ?> body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }
}
