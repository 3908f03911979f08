//! The network profiles of the browser half: loopback as it is, and Lighthouse's mobile
//! profile emulated by Chromium.

use authkit_e2e::browser::NetworkConditions;
use serde_json::{json, Value};

use crate::error::BenchError;

/// Lighthouse's mobile profile (its default, "Slow 4G", formerly "Fast 3G"): 150 ms round
/// trip, 1.6 Mbit/s down, 750 kbit/s up, in Lighthouse's units (1 kbit = 1024 bits), set as
/// Chromium's per-request latency and throughput caps. Lighthouse's DevTools throttling
/// multiplies the latency by 3.75 and the throughput by 0.9 to stand in for TCP round trips
/// it cannot model; the bench uses the plain figures, so its mobile times are a lower bound
/// of what a real link with that round trip gives. No CPU slowdown.
pub const MOBILE: NetworkConditions = NetworkConditions {
    latency_ms: 150.0,
    download_bytes_per_sec: 1.6 * 1024.0 * 1024.0 / 8.0,
    upload_bytes_per_sec: 750.0 * 1024.0 / 8.0,
};

/// A network the flows run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Profile {
    /// Loopback, no emulation.
    Loopback,
    /// [`MOBILE`], through `Network.emulateNetworkConditions`.
    Mobile,
}

impl Profile {
    /// Its key in `browser.json` and on the command line.
    pub fn key(self) -> &'static str {
        match self {
            Profile::Loopback => "loopback",
            Profile::Mobile => "mobile",
        }
    }

    /// The conditions Chromium emulates; `None` for loopback.
    pub fn conditions(self) -> Option<NetworkConditions> {
        match self {
            Profile::Loopback => None,
            Profile::Mobile => Some(MOBILE),
        }
    }

    /// One line for the table.
    pub fn describe(self) -> String {
        match self.conditions() {
            None => "loopback: no emulation".into(),
            Some(c) => format!(
                "mobile: Chromium Network.emulateNetworkConditions, {:.0} ms per request, {:.0} kbit/s down, {:.0} kbit/s up (Lighthouse's mobile profile, 1 kbit = 1024 bits; no CPU slowdown)",
                c.latency_ms,
                c.download_bytes_per_sec * 8.0 / 1024.0,
                c.upload_bytes_per_sec * 8.0 / 1024.0,
            ),
        }
    }

    /// The profile as JSON (`null` conditions for loopback).
    pub fn to_json(self) -> Value {
        match self.conditions() {
            None => json!({ "emulation": null }),
            Some(c) => json!({
                "emulation": "Network.emulateNetworkConditions (chromedriver send_command_and_get_result)",
                "latency_ms": c.latency_ms,
                "download_bytes_per_sec": c.download_bytes_per_sec,
                "upload_bytes_per_sec": c.upload_bytes_per_sec,
                "source": "Lighthouse mobile: rttMs 150, throughputKbps 1.6 × 1024, upload 750 Kbps; no 3.75/0.9 DevTools adjustment, no CPU slowdown",
            }),
        }
    }

    /// The least time a response of `encoded_bytes` can take under this profile: the latency
    /// plus the bytes at the download rate. `None` on loopback.
    pub fn floor_ms(self, encoded_bytes: f64) -> Option<f64> {
        self.conditions()
            .map(|c| c.latency_ms + encoded_bytes * 1000.0 / c.download_bytes_per_sec)
    }
}

/// Parses the value of `--network`: `loopback`, `mobile` or `both` (loopback first).
pub fn parse_profiles(arg: &str) -> Result<Vec<Profile>, BenchError> {
    match arg {
        "loopback" => Ok(vec![Profile::Loopback]),
        "mobile" => Ok(vec![Profile::Mobile]),
        "both" => Ok(vec![Profile::Loopback, Profile::Mobile]),
        other => Err(BenchError::Usage(format!(
            "--network takes loopback, mobile or both, not {other:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_is_lighthouses_profile_in_bytes_per_second() {
        assert_eq!(MOBILE.latency_ms, 150.0);
        assert_eq!(MOBILE.download_bytes_per_sec, 209_715.2);
        assert_eq!(MOBILE.upload_bytes_per_sec, 96_000.0);
        assert!(Profile::Mobile
            .describe()
            .contains("1638 kbit/s down, 750 kbit/s up"));
    }

    #[test]
    fn the_floor_is_latency_plus_bytes_at_the_download_rate() {
        assert_eq!(Profile::Mobile.floor_ms(209_715.2), Some(1150.0));
        assert_eq!(Profile::Mobile.floor_ms(0.0), Some(150.0));
        assert_eq!(Profile::Loopback.floor_ms(1e6), None);
    }

    #[test]
    fn parses_the_network_option() {
        assert_eq!(
            parse_profiles("both").unwrap(),
            [Profile::Loopback, Profile::Mobile]
        );
        assert_eq!(parse_profiles("mobile").unwrap(), [Profile::Mobile]);
        assert_eq!(parse_profiles("loopback").unwrap(), [Profile::Loopback]);
        assert!(parse_profiles("3g").is_err());
    }
}
