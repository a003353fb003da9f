//! The Observatory's result identifiers, their score modifiers and its grade
//! table (`src/grader/charts.js` of `@mdn/mdn-http-observatory`), and the
//! scan's arithmetic: start at 100, add every modifier, but keep the bonuses
//! only when the score without them is already 90 or more.

/// Defines [`Expectation`] with each result's identifier and modifier, as in
/// the Observatory's `SCORE_TABLE`.
macro_rules! expectations {
    ($($variant:ident = $id:literal, $modifier:expr;)*) => {
        /// One result of one Observatory test.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Expectation {
            $($variant,)*
        }

        impl Expectation {
            /// The Observatory's identifier, e.g. `csp-implemented-with-unsafe-inline`.
            pub fn id(self) -> &'static str {
                match self {
                    $(Expectation::$variant => $id,)*
                }
            }

            /// What the result adds to (or takes from) the score.
            pub fn modifier(self) -> i32 {
                match self {
                    $(Expectation::$variant => $modifier,)*
                }
            }
        }
    };
}

expectations! {
    CspImplementedWithNoUnsafeDefaultSrcNone = "csp-implemented-with-no-unsafe-default-src-none", 10;
    CspImplementedWithNoUnsafe = "csp-implemented-with-no-unsafe", 5;
    CspImplementedWithUnsafeInlineInStyleSrcOnly = "csp-implemented-with-unsafe-inline-in-style-src-only", 0;
    CspImplementedWithInsecureSchemeInPassiveContentOnly = "csp-implemented-with-insecure-scheme-in-passive-content-only", -10;
    CspImplementedWithUnsafeEval = "csp-implemented-with-unsafe-eval", -10;
    CspImplementedWithUnsafeInline = "csp-implemented-with-unsafe-inline", -20;
    CspImplementedWithInsecureScheme = "csp-implemented-with-insecure-scheme", -20;
    CspHeaderInvalid = "csp-header-invalid", -25;
    CspNotImplemented = "csp-not-implemented", -25;
    CspNotImplementedButReportingEnabled = "csp-not-implemented-but-reporting-enabled", -25;
    CspImplementedButDuplicateDirectives = "csp-implemented-but-duplicate-directives", 0;

    CookiesSecureWithHttponlySessionsAndSamesite = "cookies-secure-with-httponly-sessions-and-samesite", 5;
    CookiesSecureWithHttponlySessions = "cookies-secure-with-httponly-sessions", 0;
    CookiesNotFound = "cookies-not-found", 0;
    CookiesWithoutSecureFlagButProtectedByHsts = "cookies-without-secure-flag-but-protected-by-hsts", -5;
    CookiesSessionWithoutSecureFlagButProtectedByHsts = "cookies-session-without-secure-flag-but-protected-by-hsts", -10;
    CookiesWithoutSecureFlag = "cookies-without-secure-flag", -20;
    CookiesSamesiteFlagInvalid = "cookies-samesite-flag-invalid", -20;
    CookiesAnticsrfWithoutSamesiteFlag = "cookies-anticsrf-without-samesite-flag", -20;
    CookiesSessionWithoutHttponlyFlag = "cookies-session-without-httponly-flag", -30;
    CookiesSessionWithoutSecureFlag = "cookies-session-without-secure-flag", -40;

    CorsNotImplemented = "cross-origin-resource-sharing-not-implemented", 0;
    CorsImplementedWithPublicAccess = "cross-origin-resource-sharing-implemented-with-public-access", 0;
    CorsImplementedWithRestrictedAccess = "cross-origin-resource-sharing-implemented-with-restricted-access", 0;

    RedirectionAllRedirectsPreloaded = "redirection-all-redirects-preloaded", 0;
    RedirectionToHttps = "redirection-to-https", 0;
    RedirectionNotNeededNoHttp = "redirection-not-needed-no-http", 0;
    RedirectionOffHostFromHttp = "redirection-off-host-from-http", -5;
    RedirectionNotToHttpsOnInitialRedirection = "redirection-not-to-https-on-initial-redirection", -10;
    RedirectionNotToHttps = "redirection-not-to-https", -20;
    RedirectionMissing = "redirection-missing", -20;
    RedirectionInvalidCert = "redirection-invalid-cert", -20;

    ReferrerPolicyPrivate = "referrer-policy-private", 5;
    ReferrerPolicyNotImplemented = "referrer-policy-not-implemented", 0;
    ReferrerPolicyUnsafe = "referrer-policy-unsafe", -5;
    ReferrerPolicyHeaderInvalid = "referrer-policy-header-invalid", -5;

    HstsImplementedMaxAgeAtLeastSixMonths = "hsts-implemented-max-age-at-least-six-months", 0;
    HstsImplementedMaxAgeLessThanSixMonths = "hsts-implemented-max-age-less-than-six-months", -10;
    HstsNotImplemented = "hsts-not-implemented", -20;
    HstsHeaderInvalid = "hsts-header-invalid", -20;
    HstsNotImplementedNoHttps = "hsts-not-implemented-no-https", -20;
    HstsInvalidCert = "hsts-invalid-cert", -20;

    SriImplementedAndAllScriptsLoadedSecurely = "sri-implemented-and-all-scripts-loaded-securely", 5;
    SriImplementedAndExternalScriptsLoadedSecurely = "sri-implemented-and-external-scripts-loaded-securely", 5;
    SriNotImplementedResponseNotHtml = "sri-not-implemented-response-not-html", 0;
    SriNotImplementedButNoScriptsLoaded = "sri-not-implemented-but-no-scripts-loaded", 0;
    SriNotImplementedButAllScriptsLoadedFromSecureOrigin = "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0;
    SriNotImplementedButExternalScriptsLoadedSecurely = "sri-not-implemented-but-external-scripts-loaded-securely", -5;
    SriImplementedButExternalScriptsNotLoadedSecurely = "sri-implemented-but-external-scripts-not-loaded-securely", -20;
    SriNotImplementedAndExternalScriptsNotLoadedSecurely = "sri-not-implemented-and-external-scripts-not-loaded-securely", -50;

    XContentTypeOptionsNosniff = "x-content-type-options-nosniff", 0;
    XContentTypeOptionsNotImplemented = "x-content-type-options-not-implemented", -5;
    XContentTypeOptionsHeaderInvalid = "x-content-type-options-header-invalid", -5;

    XFrameOptionsImplementedViaCsp = "x-frame-options-implemented-via-csp", 5;
    XFrameOptionsSameoriginOrDeny = "x-frame-options-sameorigin-or-deny", 0;
    XFrameOptionsAllowFromOrigin = "x-frame-options-allow-from-origin", 0;
    XFrameOptionsNotImplemented = "x-frame-options-not-implemented", -20;
    XFrameOptionsHeaderInvalid = "x-frame-options-header-invalid", -20;

    CorpNotImplemented = "corp-not-implemented", 0;
    CorpImplementedWithSameOrigin = "corp-implemented-with-same-origin", 10;
    CorpImplementedWithSameSite = "corp-implemented-with-same-site", 10;
    CorpImplementedWithCrossOrigin = "corp-implemented-with-cross-origin", 0;
    CorpHeaderInvalid = "corp-header-invalid", -5;
}

/// One test's verdict: its result and whether the Observatory counts it as passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judged {
    pub result: Expectation,
    pub pass: bool,
}

/// The result kept when a test finds several problems: the worse of `new`
/// and `old` by `order` (best first), as the Observatory's `onlyIfWorse`.
pub fn only_if_worse(
    new: Expectation,
    old: Option<Expectation>,
    order: &[Expectation],
) -> Expectation {
    let rank = |e: Expectation| order.iter().position(|o| *o == e).map_or(-1, |i| i as i64);
    match old {
        Some(old) if rank(new) <= rank(old) => old,
        _ => new,
    }
}

/// Bonuses count only from this score (before bonuses) on.
pub const MINIMUM_SCORE_FOR_EXTRA_CREDIT: i32 = 90;

/// The score the Observatory prints for these modifiers: never below 0.
pub fn score(modifiers: impl IntoIterator<Item = i32>) -> i32 {
    let (mut with_extra, mut uncurved) = (100, 100);
    for m in modifiers {
        with_extra += m;
        if m < 0 {
            uncurved += m;
        }
    }
    let score = if uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT {
        with_extra
    } else {
        uncurved
    };
    score.max(0)
}

/// The Observatory's letter grade for a score (`GRADE_CHART`, by steps of 5).
pub fn grade(score: i32) -> &'static str {
    match score {
        100.. => "A+",
        90..=99 => "A",
        85..=89 => "A-",
        80..=84 => "B+",
        70..=79 => "B",
        65..=69 => "B-",
        60..=64 => "C+",
        50..=59 => "C",
        45..=49 => "C-",
        40..=44 => "D+",
        30..=39 => "D",
        25..=29 => "D-",
        _ => "F",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bonuses_only_from_ninety() {
        assert_eq!(score([10, 5, 5, 0]), 120);
        assert_eq!(score([10, -5, 5]), 110);
        assert_eq!(score([10, -20, 5]), 80);
        // 100 - 20 - 20 = 60 < 90: the +10 and +5 are dropped (the http-only case).
        assert_eq!(score([10, -20, -20, 5]), 60);
        assert_eq!(score([-50, -50, -40]), 0);
    }

    #[test]
    fn grade_table() {
        for (s, g) in [
            (135, "A+"),
            (100, "A+"),
            (95, "A"),
            (60, "C+"),
            (29, "D-"),
            (0, "F"),
        ] {
            assert_eq!(grade(s), g, "{s}");
        }
    }

    #[test]
    fn worse_wins() {
        use Expectation::*;
        let order = [CookiesWithoutSecureFlag, CookiesSessionWithoutSecureFlag];
        assert_eq!(
            only_if_worse(
                CookiesWithoutSecureFlag,
                Some(CookiesSessionWithoutSecureFlag),
                &order
            ),
            CookiesSessionWithoutSecureFlag
        );
        assert_eq!(
            only_if_worse(
                CookiesSessionWithoutSecureFlag,
                Some(CookiesWithoutSecureFlag),
                &order
            ),
            CookiesSessionWithoutSecureFlag
        );
        assert_eq!(
            only_if_worse(CookiesWithoutSecureFlag, None, &order),
            CookiesWithoutSecureFlag
        );
    }
}
