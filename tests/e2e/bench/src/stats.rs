//! Medians, nearest-rank p95 and ratios.

use serde_json::{json, Value};

/// The median and p95 of a series of times, and how many there were.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// The median (the mean of the two middle values for an even count).
    pub median: f64,
    /// The nearest-rank 95th percentile.
    pub p95: f64,
    /// The number of values.
    pub n: usize,
}

impl Summary {
    /// The summary of `values`; `None` when there are none.
    pub fn of(values: &[f64]) -> Option<Summary> {
        let (median, p95) = median_p95(values)?;
        Some(Summary {
            median,
            p95,
            n: values.len(),
        })
    }

    /// `{median_ms, p95_ms, n}`, rounded to 0.1 ms.
    pub fn to_json(self) -> Value {
        json!({ "median_ms": round1(self.median), "p95_ms": round1(self.p95), "n": self.n })
    }

    /// `median / p95` for a table cell.
    pub fn cell(self) -> String {
        format!("{:.1} / {:.1}", self.median, self.p95)
    }
}

/// Median and p95 (nearest rank) of `v`; `None` when empty.
pub fn median_p95(v: &[f64]) -> Option<(f64, f64)> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let rank = |q: f64| {
        let r = (q * s.len() as f64).ceil() as usize;
        s[r.clamp(1, s.len()) - 1]
    };
    let median = if s.len() % 2 == 1 {
        s[s.len() / 2]
    } else {
        (s[s.len() / 2 - 1] + s[s.len() / 2]) / 2.0
    };
    Some((median, rank(0.95)))
}

/// `v` rounded to one decimal.
pub fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// `v` rounded to two decimals.
pub fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// `ours / theirs`, two decimals; `None` when either is missing or `theirs` is not positive.
pub fn ratio(ours: Option<f64>, theirs: Option<f64>) -> Option<f64> {
    match (ours, theirs) {
        (Some(a), Some(b)) if b > 0.0 => Some(round2(a / b)),
        _ => None,
    }
}

/// The index of the value closest to the median of `values` (the first on a tie).
pub fn closest_to_median(values: &[f64]) -> Option<usize> {
    let (median, _) = median_p95(values)?;
    values
        .iter()
        .enumerate()
        .min_by(|(_, a), (_, b)| (*a - median).abs().total_cmp(&(*b - median).abs()))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_nearest_rank_p95() {
        let v: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(median_p95(&v), Some((10.5, 19.0)));
        assert_eq!(median_p95(&[3.0, 1.0, 2.0]), Some((2.0, 3.0)));
        assert_eq!(median_p95(&[]), None);
        assert_eq!(Summary::of(&[3.0, 1.0, 2.0]).map(|s| s.n), Some(3));
    }

    #[test]
    fn ratio_is_ours_over_theirs_when_both_exist() {
        assert_eq!(ratio(Some(1500.0), Some(800.0)), Some(1.88));
        assert_eq!(ratio(Some(1.0), None), None);
        assert_eq!(ratio(Some(1.0), Some(0.0)), None);
    }

    #[test]
    fn picks_the_run_closest_to_the_median() {
        assert_eq!(closest_to_median(&[10.0, 50.0, 31.0, 29.0]), Some(2));
        assert_eq!(closest_to_median(&[]), None);
    }
}
