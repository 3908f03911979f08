//! The waterfall of one reload per (profile, app): the run whose reload → user is closest to
//! the median, its Resource Timing entries, navigation entry and marks, printed and saved as
//! `waterfall-<profile>-<app>.json` and `.txt`.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::apps::AppKey;
use crate::error::BenchError;
use crate::network::Profile;
use crate::rounds::{Measured, Sample};
use crate::stats::closest_to_median;

/// A waterfall chosen for one (profile, app).
#[derive(Debug)]
pub struct Waterfall<'a> {
    /// The network.
    pub profile: Profile,
    /// The app.
    pub app: AppKey,
    /// The counted run it comes from (1-based).
    pub run: usize,
    /// That run's sample.
    pub sample: &'a Sample,
}

impl Waterfall<'_> {
    /// The reload of (profile, app) closest to the median reload → user.
    pub fn pick(m: &Measured, profile: Profile, app: AppKey) -> Option<Waterfall<'_>> {
        let samples = m.samples.get(&(profile, app))?;
        let times: Vec<f64> = samples
            .iter()
            .map(|s| s.times.get("reload_to_user").copied().unwrap_or(f64::NAN))
            .collect();
        let i = closest_to_median(&times)?;
        Some(Waterfall {
            profile,
            app,
            run: i + 1,
            sample: &samples[i],
        })
    }

    /// The file stem, `waterfall-<profile>-<app>`.
    fn stem(&self) -> String {
        format!("waterfall-{}-{}", self.profile.key(), self.app.key())
    }

    /// A heading and one row per entry: start, end and duration (ms since navigation start),
    /// transfer size, kind and name.
    pub fn rows(&self) -> Vec<String> {
        let user = self.sample.times.get("reload_to_user").copied();
        let mut rows = vec![
            format!(
                "-- waterfall: {} reload of {} (run {}, reload → user {}: the median run) --",
                self.profile.key(),
                self.app.label(),
                self.run,
                user.map_or("?".into(), |t| format!("{t:.1} ms"))
            ),
            format!(
                "{:>9} {:>9} {:>9} {:>11}  what",
                "start ms", "end ms", "dur ms", "transfer B"
            ),
        ];
        let entries = self
            .sample
            .waterfall
            .as_array()
            .cloned()
            .unwrap_or_default();
        rows.extend(entries.iter().map(entry_row));
        rows
    }

    /// The entries as JSON, with where they come from.
    pub fn to_json(&self) -> Value {
        json!({
            "profile": self.profile.key(),
            "app": self.app.key(),
            "run": self.run,
            "reload_to_user_ms": self.sample.times.get("reload_to_user"),
            "note": "times in ms since navigation start; sizes 0 for a cross-origin response without Timing-Allow-Origin (the emulator's API); CORS preflights are not in Resource Timing",
            "entries": self.sample.waterfall,
        })
    }

    /// Writes `<stem>.json` and `<stem>.txt` into `out`; returns the `.txt` path.
    pub fn write(&self, out: &Path) -> Result<PathBuf, BenchError> {
        let json_path = out.join(format!("{}.json", self.stem()));
        let txt_path = out.join(format!("{}.txt", self.stem()));
        let text = serde_json::to_string_pretty(&self.to_json()).unwrap_or_default();
        std::fs::write(&json_path, text + "\n")
            .map_err(|e| BenchError::io(format!("write {}", json_path.display()), e))?;
        std::fs::write(&txt_path, self.rows().join("\n") + "\n")
            .map_err(|e| BenchError::io(format!("write {}", txt_path.display()), e))?;
        Ok(txt_path)
    }
}

/// One waterfall row: a mark has a start only, a cross-origin response no size.
fn entry_row(e: &Value) -> String {
    let start = e["start"].as_f64().unwrap_or(0.0);
    let what = format!(
        "{} {}",
        e["kind"].as_str().unwrap_or("?"),
        e["name"].as_str().unwrap_or("?")
    );
    match e["end"].as_f64() {
        None => format!("{start:>9.1} {:>9} {:>9} {:>11}  {what}", "", "", ""),
        Some(end) => {
            let transfer = match e["transfer"].as_f64() {
                Some(t) if t > 0.0 => format!("{t:.0}"),
                _ => "–".into(),
            };
            format!(
                "{start:>9.1} {end:>9.1} {:>9.1} {transfer:>11}  {what}",
                end - start
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_median_reload_and_prints_marks_without_an_end() {
        let mut m = Measured::default();
        let mut samples = Vec::new();
        for (t, name) in [(900.0, "slow"), (500.0, "fast"), (610.0, "median")] {
            let mut s = Sample::default();
            s.times.insert("reload_to_user", t);
            s.waterfall = json!([
                { "kind": "navigation", "name": name, "start": 0.0, "end": 120.5, "transfer": 900.0 },
                { "kind": "fetch", "name": "http://localhost:1/user_management/authenticate",
                  "start": 300.0, "end": 480.0, "transfer": 0.0 },
                { "kind": "mark", "name": "authkit:signed-in", "start": t, "end": null },
            ]);
            samples.push(s);
        }
        m.samples
            .insert((Profile::Mobile, AppKey::Reference), samples);
        let w = Waterfall::pick(&m, Profile::Mobile, AppKey::Reference).unwrap();
        assert_eq!(w.run, 3);
        let rows = w.rows();
        assert!(
            rows[0].contains("run 3, reload → user 610.0 ms"),
            "{}",
            rows[0]
        );
        assert!(rows[2].ends_with("navigation median"), "{}", rows[2]);
        let words = |row: &str| {
            row.split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            words(&rows[2]),
            ["0.0", "120.5", "120.5", "900", "navigation", "median"]
        );
        assert_eq!(
            words(&rows[3])[2..4],
            ["180.0", "–"],
            "no size: {}",
            rows[3]
        );
        assert_eq!(words(&rows[4]), ["610.0", "mark", "authkit:signed-in"]);
        assert_eq!(w.stem(), "waterfall-mobile-reference");
    }
}
