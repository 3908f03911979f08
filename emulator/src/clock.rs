//! The emulator's clock: wall time plus a test-controlled offset.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The latest emulator time the clock may show: 9999-12-31T23:59:59Z. With the earliest, the
/// Unix epoch, it keeps every expiry computed from the clock well inside `i64`.
pub const MAX_SECS: i64 = 253_402_300_799;

/// A clock offset that would put the emulator's time outside 1970–9999.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the emulator clock must stay between 1970-01-01 and 9999-12-31: {what} would move it \
     outside; right now offset_secs can be between {min} and {max}"
)]
pub struct ClockError {
    /// What was asked (`offset_secs N` or `advance_secs N`).
    pub what: String,
    /// Smallest offset possible now.
    pub min: i64,
    /// Largest offset possible now.
    pub max: i64,
}

/// Wall-clock time shifted by an adjustable offset (seconds), so tests can expire codes,
/// tokens and sessions without sleeping.
///
/// ```
/// let clock = authkit_emulator::clock::Clock::default();
/// let before = clock.now_secs();
/// clock.advance(3600).unwrap();
/// assert!(clock.now_secs() >= before + 3600);
/// assert!(clock.set_offset(9_000_000_000_000_000).is_err());
/// ```
#[derive(Debug, Default)]
pub struct Clock {
    offset_secs: AtomicI64,
}

fn real_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
        .min(MAX_SECS * 1000)
}

impl Clock {
    /// Current emulator time in milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        real_ms() + self.offset_secs() * 1000
    }

    /// Current emulator time in whole seconds since the Unix epoch.
    pub fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// The current offset in seconds.
    pub fn offset_secs(&self) -> i64 {
        self.offset_secs.load(Ordering::SeqCst)
    }

    /// The offsets possible right now.
    fn offset_range() -> (i64, i64) {
        let real = real_ms().div_euclid(1000);
        (-real, MAX_SECS - real)
    }

    fn checked(what: String, offset: Option<i64>) -> Result<i64, ClockError> {
        let (min, max) = Self::offset_range();
        offset
            .filter(|o| (min..=max).contains(o))
            .ok_or(ClockError { what, min, max })
    }

    /// Replace the offset; returns it.
    pub fn set_offset(&self, secs: i64) -> Result<i64, ClockError> {
        let offset = Self::checked(format!("offset_secs {secs}"), Some(secs))?;
        self.offset_secs.store(offset, Ordering::SeqCst);
        Ok(offset)
    }

    /// Add to the offset; returns the new offset.
    pub fn advance(&self, secs: i64) -> Result<i64, ClockError> {
        let mut current = self.offset_secs();
        loop {
            let next = Self::checked(format!("advance_secs {secs}"), current.checked_add(secs))?;
            match self.offset_secs.compare_exchange(
                current,
                next,
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => return Ok(next),
                Err(seen) => current = seen,
            }
        }
    }

    /// Back to wall time.
    pub fn reset(&self) {
        self.offset_secs.store(0, Ordering::SeqCst);
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Broken-down UTC time: (year, month, day, hour, minute, second).
pub fn utc_parts(epoch_secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = epoch_secs.div_euclid(86_400);
    let rem = epoch_secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    (
        y,
        m,
        d,
        (rem / 3600) as u32,
        ((rem % 3600) / 60) as u32,
        (rem % 60) as u32,
    )
}

/// RFC 3339 with milliseconds, as WorkOS formats `created_at` (`2026-01-15T12:00:00.000Z`).
///
/// ```
/// assert_eq!(authkit_emulator::clock::rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
/// ```
pub fn rfc3339_ms(epoch_ms: i64) -> String {
    let (y, mo, d, h, mi, s) = utc_parts(epoch_ms.div_euclid(1000));
    format!(
        "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}Z",
        epoch_ms.rem_euclid(1000)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339_ms(1_800_000_000_123), "2027-01-15T08:00:00.123Z");
        assert_eq!(rfc3339_ms(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339_ms(4_102_444_800_000), "2100-01-01T00:00:00.000Z");
        assert_eq!(utc_parts(1_709_193_557), (2024, 2, 29, 7, 59, 17));
    }

    #[test]
    fn offset_set_and_advance() {
        let c = Clock::default();
        c.set_offset(-10).unwrap();
        assert_eq!(c.advance(25), Ok(15));
        assert_eq!(c.offset_secs(), 15);
    }

    #[test]
    fn offsets_that_leave_1970_to_9999_are_refused_and_change_nothing() {
        let c = Clock::default();
        c.set_offset(100).unwrap();
        for bad in [
            i64::MAX,
            i64::MIN,
            9_000_000_000_000_000,
            -c.now_secs() - 200,
        ] {
            let e = c.set_offset(bad).unwrap_err();
            assert!(
                e.to_string().contains("between 1970-01-01 and 9999-12-31"),
                "{e}"
            );
            assert!(c.advance(bad).is_err());
        }
        assert!(
            c.advance(i64::MAX - 50).is_err(),
            "overflowing sums are refused too"
        );
        assert_eq!(c.offset_secs(), 100);
        let (min, max) = Clock::offset_range();
        assert!(c.set_offset(max - 5).is_ok() && c.set_offset(min + 5).is_ok());
    }
}
