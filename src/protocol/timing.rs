//! Refresh timing and retry maths: when to refresh, how long to back off, which failures are
//! transient.
//!
//! All functions are pure: the caller passes the clock (`now_ms`) and the randomness
//! (`jitter`), so the maths is tested exactly.

/// First retry delay after a transient failure.
pub const BACKOFF_BASE_MS: u64 = 1_000;

/// Upper bound of a retry delay, and of an honoured `Retry-After`.
pub const BACKOFF_MAX_MS: u64 = 60_000;

/// Milliseconds from `now_ms` until the refresh should run (`expires_at_ms − buffer`), clamped
/// to `0..=i32::MAX` so it fits `setTimeout`.
///
/// A non-finite input (NaN) gives `0`: refresh now rather than never.
///
/// ```
/// use authkit_yew::protocol::timing::refresh_delay_ms;
/// assert_eq!(refresh_delay_ms(300_000.0, 0.0, 10), 290_000);
/// assert_eq!(refresh_delay_ms(5_000.0, 0.0, 10), 0);
/// ```
pub fn refresh_delay_ms(expires_at_ms: f64, now_ms: f64, buffer_secs: u32) -> u32 {
    let delay = expires_at_ms - f64::from(buffer_secs) * 1000.0 - now_ms;
    if delay.is_nan() || delay <= 0.0 {
        0
    } else {
        // Truncation is fine: a sub-millisecond remainder does not matter to a timer.
        delay.min(f64::from(i32::MAX)) as u32
    }
}

/// Delay before retry number `attempt` (1-based) after a transient failure: exponential from
/// 1 s, capped at 60 s, scaled by `jitter` in `0.0..=1.0` to between 50 % and 100 %; never less
/// than `retry_after_ms` when the server sent `Retry-After`.
///
/// `attempt` 0 counts as 1; `jitter` outside `0.0..=1.0` is clamped (NaN counts as 1.0).
///
/// ```
/// use authkit_yew::protocol::timing::backoff_ms;
/// assert_eq!(backoff_ms(1, None, 1.0), 1_000);
/// assert_eq!(backoff_ms(3, None, 1.0), 4_000);
/// assert_eq!(backoff_ms(3, None, 0.0), 2_000);
/// assert_eq!(backoff_ms(20, None, 1.0), 60_000);
/// assert_eq!(backoff_ms(1, Some(5_000), 0.5), 5_000);
/// ```
pub fn backoff_ms(attempt: u32, retry_after_ms: Option<u64>, jitter: f64) -> u64 {
    let exponent = attempt.max(1) - 1;
    let full = if exponent >= 16 {
        BACKOFF_MAX_MS
    } else {
        (BACKOFF_BASE_MS << exponent).min(BACKOFF_MAX_MS)
    };
    let jitter = if jitter.is_nan() {
        1.0
    } else {
        jitter.clamp(0.0, 1.0)
    };
    let scaled = (full as f64 * (0.5 + 0.5 * jitter)).round() as u64;
    scaled.max(retry_after_ms.unwrap_or(0))
}

/// Parses `Retry-After`: delta seconds or an HTTP-date (relative to `now_ms`), capped at 60 s.
///
/// Accepts `delay-seconds` (digits only) and the three HTTP-date forms of RFC 9110 §5.6.7
/// (read by the `httpdate` crate): IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete
/// RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
/// A date in the past gives `Some(0)`; anything else (negative, fractional, garbage) is `None`.
///
/// ```
/// use authkit_yew::protocol::timing::parse_retry_after;
/// assert_eq!(parse_retry_after("2", 0.0), Some(2_000));
/// assert_eq!(parse_retry_after("3600", 0.0), Some(60_000));
/// // 784111777 s after the epoch is Sun, 06 Nov 1994 08:49:37 GMT.
/// let now_ms = 784_111_777_000.0 - 1_500.0;
/// assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now_ms), Some(1_500));
/// assert_eq!(parse_retry_after("soon", 0.0), None);
/// ```
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<u64> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        // Overlong digit strings overflow u64: they are far above the cap anyway.
        let secs = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(secs.saturating_mul(1000).min(BACKOFF_MAX_MS));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let at_ms = at.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis() as f64;
    let delta_ms = at_ms - now_ms;
    if delta_ms.is_nan() {
        return None;
    }
    Some(delta_ms.clamp(0.0, BACKOFF_MAX_MS as f64) as u64)
}

/// True when a request that got this status may succeed when tried again: 408, 429, 500,
/// 502, 503 and 504 (and `0`, no response at all), exactly as authkit-js. Every other status is
/// final, whatever its body (an HTML 401 or 403 from a proxy is not an outage).
///
/// ```
/// use authkit_yew::protocol::timing::is_transient_status;
/// assert!(is_transient_status(503));
/// assert!(!is_transient_status(400));
/// assert!(!is_transient_status(403));
/// ```
pub fn is_transient_status(status: u16) -> bool {
    matches!(status, 0 | 408 | 429 | 500 | 502 | 503 | 504)
}

#[cfg(test)]
mod tests {
    use super::*;

    // refresh_delay_ms

    #[test]
    fn refresh_is_scheduled_buffer_seconds_before_expiry() {
        assert_eq!(refresh_delay_ms(1_300_000.0, 1_000_000.0, 10), 290_000);
        assert_eq!(refresh_delay_ms(1_300_000.0, 1_000_000.0, 0), 300_000);
    }

    #[test]
    fn refresh_is_due_now_inside_the_buffer_or_after_expiry() {
        assert_eq!(refresh_delay_ms(1_000_000.0, 995_000.0, 10), 0);
        assert_eq!(refresh_delay_ms(1_000_000.0, 990_000.0, 10), 0);
        assert_eq!(refresh_delay_ms(1_000_000.0, 2_000_000.0, 10), 0);
    }

    #[test]
    fn refresh_delay_fits_set_timeout() {
        assert_eq!(refresh_delay_ms(1e15, 0.0, 10), i32::MAX as u32);
        assert_eq!(refresh_delay_ms(f64::INFINITY, 0.0, 10), i32::MAX as u32);
    }

    #[test]
    fn refresh_delay_of_nan_is_now() {
        assert_eq!(refresh_delay_ms(f64::NAN, 0.0, 10), 0);
        assert_eq!(refresh_delay_ms(1_000.0, f64::NAN, 0), 0);
    }

    #[test]
    fn refresh_delay_truncates_fractions() {
        assert_eq!(refresh_delay_ms(10_000.9, 0.0, 0), 10_000);
    }

    // backoff_ms

    #[test]
    fn backoff_doubles_from_one_second() {
        let delays: Vec<u64> = (1..=7).map(|n| backoff_ms(n, None, 1.0)).collect();
        assert_eq!(delays, [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000]);
    }

    #[test]
    fn backoff_is_capped_at_sixty_seconds_for_any_attempt() {
        for attempt in [7, 8, 16, 17, 64, u32::MAX] {
            assert_eq!(backoff_ms(attempt, None, 1.0), 60_000, "{attempt}");
        }
    }

    #[test]
    fn backoff_attempt_zero_counts_as_first() {
        assert_eq!(backoff_ms(0, None, 1.0), 1_000);
    }

    #[test]
    fn jitter_scales_between_half_and_full() {
        assert_eq!(backoff_ms(2, None, 0.0), 1_000);
        assert_eq!(backoff_ms(2, None, 0.5), 1_500);
        assert_eq!(backoff_ms(2, None, 1.0), 2_000);
        assert_eq!(backoff_ms(10, None, 0.0), 30_000);
    }

    #[test]
    fn jitter_out_of_range_is_clamped() {
        assert_eq!(backoff_ms(2, None, -3.0), 1_000);
        assert_eq!(backoff_ms(2, None, 7.0), 2_000);
        assert_eq!(backoff_ms(2, None, f64::NAN), 2_000);
    }

    #[test]
    fn backoff_honours_a_longer_retry_after() {
        assert_eq!(backoff_ms(1, Some(30_000), 0.0), 30_000);
        assert_eq!(backoff_ms(1, Some(0), 0.0), 500);
        assert_eq!(backoff_ms(6, Some(1_000), 1.0), 32_000);
    }

    // parse_retry_after

    #[test]
    fn retry_after_delta_seconds() {
        assert_eq!(parse_retry_after("0", 0.0), Some(0));
        assert_eq!(parse_retry_after("1", 0.0), Some(1_000));
        assert_eq!(parse_retry_after(" 59 ", 0.0), Some(59_000));
        assert_eq!(parse_retry_after("60", 0.0), Some(60_000));
    }

    #[test]
    fn retry_after_is_capped_at_sixty_seconds() {
        assert_eq!(parse_retry_after("61", 0.0), Some(60_000));
        assert_eq!(
            parse_retry_after("99999999999999999999999", 0.0),
            Some(60_000)
        );
    }

    #[test]
    fn retry_after_rejects_non_numbers() {
        for bad in ["", " ", "-1", "+1", "1.5", "1e3", "1 2", "soon", "0x10"] {
            assert_eq!(parse_retry_after(bad, 0.0), None, "{bad:?}");
        }
    }

    const DATE_SECS: f64 = 784_111_777.0; // Sun, 06 Nov 1994 08:49:37 GMT

    #[test]
    fn retry_after_imf_fixdate_is_relative_to_now() {
        let now = DATE_SECS * 1000.0 - 7_000.0;
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(7_000)
        );
    }

    #[test]
    fn retry_after_date_in_the_past_is_zero() {
        let now = DATE_SECS * 1000.0 + 1.0;
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(0)
        );
    }

    #[test]
    fn retry_after_date_far_ahead_is_capped() {
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 0.0),
            Some(60_000)
        );
    }

    #[test]
    fn retry_after_obsolete_date_forms() {
        let now = DATE_SECS * 1000.0 - 2_000.0;
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now),
            Some(2_000)
        );
        assert_eq!(
            parse_retry_after("Sun Nov  6 08:49:37 1994", now),
            Some(2_000)
        );
    }

    /// The epoch seconds of an HTTP-date, through `parse_retry_after` at `now_ms = 0`
    /// with the 60 s cap out of the way (dates are compared 30 s before them).
    fn epoch_secs(date: &str, expected_secs: u64) -> bool {
        let now = (expected_secs as f64 - 30.0) * 1000.0;
        parse_retry_after(date, now) == Some(30_000)
    }

    #[test]
    fn http_dates_convert_to_epoch_seconds() {
        for (date, secs) in [
            ("Thu, 01 Jan 1970 00:01:00 GMT", 60),
            ("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777),
            ("Sat, 01 Jan 2000 00:00:00 GMT", 946_684_800),
            ("Tue, 29 Feb 2000 12:00:00 GMT", 951_825_600),
            ("Wed, 31 Dec 2025 23:59:59 GMT", 1_767_225_599),
            ("Mon, 30 Nov 2026 02:00:00 GMT", 1_796_004_000),
            ("Thursday, 01-Jan-70 00:01:01 GMT", 61),
            ("Thursday, 01-Jan-26 00:00:00 GMT", 1_767_225_600),
        ] {
            assert!(epoch_secs(date, secs), "{date}");
        }
    }

    #[test]
    fn malformed_http_dates_are_rejected() {
        for bad in [
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, -6 Nov 1994 08:49:37 GMT",
            "2026-11-30T02:00:00Z",
            // 1 January 1970 was a Thursday.
            "Wednesday, 01-Jan-70 00:01:01 GMT",
        ] {
            assert_eq!(parse_retry_after(bad, 0.0), None, "{bad:?}");
        }
    }

    // is_transient_status

    #[test]
    fn transient_statuses_are_exactly_those_of_the_reference() {
        for status in [0, 408, 429, 500, 502, 503, 504] {
            assert!(is_transient_status(status), "{status}");
        }
        for status in [200, 301, 400, 401, 403, 404, 409, 422, 501, 505, 599] {
            assert!(!is_transient_status(status), "{status}");
        }
    }
}
