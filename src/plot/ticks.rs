//! Axis ticks at "nice" numbers (1, 2, 2.5 or 5 times a power of ten) and short labels for them.

/// Tick positions covering [lo, hi] with about `target` intervals, and the spacing between them.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, f64) {
    let span = (hi - lo).abs().max(f64::MIN_POSITIVE);
    let raw = span / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw * 0.999).unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    // Rounded to the step's precision, so 3 × 0.2 is 0.6 and not 0.6000000000000001.
    let scale = 10f64.powi(2 - mag.log10().floor() as i32);
    let ticks = (first..=last).map(|k| (k as f64 * step * scale).round() / scale).collect();
    (ticks, step)
}

/// Labels for ticks `step` apart, all in one unit: thousands and millions as `k`/`M` (0, 0.5k,
/// 1.0k; 200k; 1.5M) when the largest tick is that big, decimals as the spacing needs.
pub fn labels(ticks: &[f64], step: f64) -> Vec<String> {
    let top = ticks.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let (unit, suffix) = [(1e6, "M"), (1e3, "k")].into_iter().find(|(u, _)| top >= *u && step >= u / 10.0).unwrap_or((1.0, ""));
    ticks
        .iter()
        .map(|&v| {
            if v.abs() < step * 1e-9 {
                "0".to_string()
            } else {
                format!("{}{suffix}", trim(v / unit, step / unit))
            }
        })
        .collect()
}

/// `v` with as many decimals as `step` has.
fn trim(v: f64, step: f64) -> String {
    let mut decimals = 0;
    while decimals < 8 && (step * 10f64.powi(decimals)).fract().abs() > 1e-6 && ((step * 10f64.powi(decimals)).fract() - 1.0).abs() > 1e-6 {
        decimals += 1;
    }
    format!("{v:.*}", decimals as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_fall_on_round_numbers() {
        assert_eq!(nice_ticks(0.0, 500_000.0, 5), (vec![0.0, 100_000.0, 200_000.0, 300_000.0, 400_000.0, 500_000.0], 100_000.0));
        assert_eq!(nice_ticks(0.13, 0.97, 4).0, vec![0.25, 0.5, 0.75]);
        assert_eq!(nice_ticks(0.13, 0.97, 5).0, vec![0.2, 0.4, 0.6, 0.8]);
        assert_eq!(nice_ticks(-1.0, 1.0, 4).1, 0.5);
    }

    #[test]
    fn labels_are_short_and_share_a_unit() {
        assert_eq!(labels(&[0.0, 100_000.0, 200_000.0], 100_000.0), ["0", "100k", "200k"]);
        assert_eq!(labels(&[1_000_000.0, 1_500_000.0], 500_000.0), ["1.0M", "1.5M"]);
        assert_eq!(labels(&[0.0, 500.0, 1000.0], 500.0), ["0", "0.5k", "1.0k"]);
        assert_eq!(labels(&[0.0, 0.25, 0.5], 0.25), ["0", "0.25", "0.50"]);
        assert_eq!(labels(&[450.0, 475.0], 25.0), ["450", "475"]);
        assert_eq!(labels(&[-0.2, 1e-17, 0.2], 0.2), ["-0.2", "0", "0.2"]);
    }
}
