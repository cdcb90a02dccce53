package io.lakehub.sample;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a start-up failure caused by {@link UnknownSampleYearException} (from {@code --inject-sample=<year>}) into
 * Spring Boot's short "APPLICATION FAILED TO START" report naming the years that exist, instead of a bean-creation
 * stack trace. Registered in {@code META-INF/spring.factories}.
 */
public class UnknownSampleYearFailureAnalyzer extends AbstractFailureAnalyzer<UnknownSampleYearException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnknownSampleYearException cause) {
        return new FailureAnalysis("--inject-sample=" + cause.year() + ": " + cause.getMessage() + ".",
                "Inject one of the years " + cause.years() + ", e.g. --inject-sample=" + cause.years().get(cause.years().size() - 1)
                        + ".", cause);
    }
}
