package io.lakehub.tmdb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The {@code lakehub.tmdb.*} settings of the tmdb-pull flow; each key is documented with its default
 * in {@code application.yaml}. The flow is off unless {@link #getApiKey() api-key} or
 * {@link #getBearerToken() bearer-token} is set, both from the environment ({@code TMDB_API_KEY},
 * {@code TMDB_BEARER_TOKEN}); their values never appear in {@link #toString()}, logs or errors
 * ({@link #mask(String)}).
 */
@Validated
@ConfigurationProperties(prefix = "lakehub.tmdb")
public class TmdbProperties {

    /** The list endpoints of TMDB's movie lists API (https://developer.themoviedb.org/reference/movie-popular-list and siblings). */
    public static final List<String> KNOWN_LISTS = List.of("popular", "top_rated", "now_playing", "upcoming");

    /** TMDB serves at most page 500 of a list; a later page is an error (status_code 22, "Invalid page"). */
    public static final int API_PAGE_CAP = 500;

    /** API root: {@code /movie/<list>} and {@code /movie/<id>} are under it. */
    private String baseUrl = "https://api.themoviedb.org/3";
    /** v3 API key, sent as query parameter {@code api_key}. */
    private String apiKey = "";
    /** v4 API read access token, sent as {@code Authorization: Bearer}; used instead of the key when both are set. */
    private String bearerToken = "";
    /** Lists to pull, each a {@code /movie/<list>} endpoint. */
    private List<String> lists = new ArrayList<>(KNOWN_LISTS);
    /** Most pages per list (capped at {@value #API_PAGE_CAP}, the API's cap). */
    @Min(1)
    private int maxPages = API_PAGE_CAP;
    /** Page caps per list that override {@link #maxPages}. */
    private Map<String, Integer> maxPagesByList = new LinkedHashMap<>();
    /** ISO 639-1 language tag with an optional region, e.g. {@code en-US}; titles and overviews come in it. */
    private String language = "en-US";
    /** ISO 3166-1 region for now_playing/upcoming release dates, e.g. {@code US}; empty for none. */
    private String region = "";
    /** Most requests per second to the API (the throttle before every call). */
    @Positive
    private int requestsPerSecond = 20;
    /** Attempts per request before the run fails: 429, 5xx and timeouts are retried. */
    @Min(1)
    private int maxAttempts = 6;
    /** Delay before the first retry of a 5xx or a timeout; doubles each attempt. */
    @NotNull
    private Duration backoff = Duration.ofSeconds(1);
    /** Longest delay between two attempts. */
    @NotNull
    private Duration maxBackoff = Duration.ofSeconds(60);
    /** Longest Retry-After of a 429 that is waited out; a longer one fails the run. */
    @NotNull
    private Duration maxRetryAfter = Duration.ofMinutes(2);
    /** TCP connect timeout. */
    @NotNull
    private Duration connectTimeout = Duration.ofSeconds(5);
    /** Longest wait for a response. */
    @NotNull
    private Duration responseTimeout = Duration.ofSeconds(30);
    /** Time between the end of one scheduled run and the start of the next. */
    @NotNull
    private Duration schedule = Duration.ofHours(24);
    /** Delay from start to the first scheduled run. */
    @NotNull
    private Duration initialDelay = Duration.ofMinutes(1);
    /** Silver table name ({@code silver/<name>}). */
    @NotBlank
    private String silverTable = "tmdb_movies";
    /** Fetch {@code /movie/<id>} for movie ids the details table does not hold yet. */
    private boolean fetchDetails = false;
    /** Silver table of movie details ({@code silver/<name>}). */
    @NotBlank
    private String detailsTable = "tmdb_movie_details";

    /** Whether credentials are set, i.e. whether the flow runs. */
    public boolean hasCredentials() {
        return !isBlank(apiKey) || !isBlank(bearerToken);
    }

    /** {@code bearer} when a bearer token is set, else {@code api-key}, or {@code none}. */
    public String authMode() {
        return !isBlank(bearerToken) ? "bearer" : !isBlank(apiKey) ? "api-key" : "none";
    }

    /**
     * {@code text} with every occurrence of the API key and the bearer token replaced by {@code ****}:
     * applied to every message that could carry a request (DESIGN.md invariant 7).
     */
    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : new String[] {apiKey, bearerToken}) {
            if (!isBlank(secret)) {
                out = out.replace(secret.trim(), "****");
            }
        }
        return out;
    }

    /** The page cap of a list: its {@code max-pages-by-list} entry or {@code max-pages}, at most {@value #API_PAGE_CAP}. */
    public int maxPagesOf(String list) {
        int cap = maxPagesByList.getOrDefault(list, maxPages);
        return Math.max(1, Math.min(cap, API_PAGE_CAP));
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    public String getBaseUrl() {
        return baseUrl;
    }

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl == null ? null : baseUrl.replaceAll("/+$", "");
    }

    public String getApiKey() {
        return apiKey;
    }

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey;
    }

    public String getBearerToken() {
        return bearerToken;
    }

    public void setBearerToken(String bearerToken) {
        this.bearerToken = bearerToken;
    }

    public List<String> getLists() {
        return lists;
    }

    /** @throws IllegalArgumentException for a name that is not a path segment ({@code [a-z_]+}) */
    public void setLists(List<String> lists) {
        for (String l : lists) {
            if (l == null || !l.matches("[a-z_]+")) {
                throw new IllegalArgumentException("lakehub.tmdb.lists: '" + l + "' is not a list name such as popular");
            }
        }
        this.lists = lists;
    }

    public int getMaxPages() {
        return maxPages;
    }

    public void setMaxPages(int maxPages) {
        this.maxPages = maxPages;
    }

    public Map<String, Integer> getMaxPagesByList() {
        return maxPagesByList;
    }

    public void setMaxPagesByList(Map<String, Integer> maxPagesByList) {
        this.maxPagesByList = maxPagesByList;
    }

    public String getLanguage() {
        return language;
    }

    public void setLanguage(String language) {
        this.language = language;
    }

    public String getRegion() {
        return region;
    }

    public void setRegion(String region) {
        this.region = region;
    }

    public int getRequestsPerSecond() {
        return requestsPerSecond;
    }

    public void setRequestsPerSecond(int requestsPerSecond) {
        this.requestsPerSecond = requestsPerSecond;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public Duration getBackoff() {
        return backoff;
    }

    public void setBackoff(Duration backoff) {
        this.backoff = backoff;
    }

    public Duration getMaxBackoff() {
        return maxBackoff;
    }

    public void setMaxBackoff(Duration maxBackoff) {
        this.maxBackoff = maxBackoff;
    }

    public Duration getMaxRetryAfter() {
        return maxRetryAfter;
    }

    public void setMaxRetryAfter(Duration maxRetryAfter) {
        this.maxRetryAfter = maxRetryAfter;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getResponseTimeout() {
        return responseTimeout;
    }

    public void setResponseTimeout(Duration responseTimeout) {
        this.responseTimeout = responseTimeout;
    }

    public Duration getSchedule() {
        return schedule;
    }

    public void setSchedule(Duration schedule) {
        this.schedule = schedule;
    }

    public Duration getInitialDelay() {
        return initialDelay;
    }

    public void setInitialDelay(Duration initialDelay) {
        this.initialDelay = initialDelay;
    }

    public String getSilverTable() {
        return silverTable;
    }

    /** @throws IllegalArgumentException if the name is not {@code [A-Za-z0-9_]+} (it names a Delta table) */
    public void setSilverTable(String silverTable) {
        if (silverTable == null || !silverTable.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("lakehub.tmdb.silver-table must match [A-Za-z0-9_]+: " + silverTable);
        }
        this.silverTable = silverTable;
    }

    public boolean isFetchDetails() {
        return fetchDetails;
    }

    public void setFetchDetails(boolean fetchDetails) {
        this.fetchDetails = fetchDetails;
    }

    public String getDetailsTable() {
        return detailsTable;
    }

    /** @throws IllegalArgumentException if the name is not {@code [A-Za-z0-9_]+} (it names a Delta table) */
    public void setDetailsTable(String detailsTable) {
        if (detailsTable == null || !detailsTable.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("lakehub.tmdb.details-table must match [A-Za-z0-9_]+: " + detailsTable);
        }
        this.detailsTable = detailsTable;
    }

    @Override
    public String toString() {
        return "TmdbProperties[baseUrl=" + baseUrl + ", auth=" + authMode() + ", lists=" + lists + ", maxPages=" + maxPages + "]";
    }
}
