//! Numbers read off a learning curve — a series of `(env step, value)` points, such as the
//! episodic returns of a run — as plain functions over slices.

/// Trailing moving average: each value becomes the mean of itself and the `window - 1` before it
/// (fewer at the start). `window` 1 leaves the series as it is.
pub fn moving_average(points: &[(f64, f64)], window: usize) -> Vec<(f64, f64)> {
    let window = window.max(1);
    let mut sum = 0.0;
    points
        .iter()
        .enumerate()
        .map(|(i, &(x, y))| {
            sum += y;
            if i >= window {
                sum -= points[i - window].1;
            }
            (x, sum / (i + 1).min(window) as f64)
        })
        .collect()
}

/// The first step at which the mean of the last `n` values reaches `threshold` (`None` if it
/// never does, or there are fewer than `n` values): how long learning took to get good.
pub fn steps_to_threshold(points: &[(f64, f64)], threshold: f64, n: usize) -> Option<f64> {
    let n = n.max(1);
    let mut sum = 0.0;
    for (i, &(x, y)) in points.iter().enumerate() {
        sum += y;
        if i >= n {
            sum -= points[i - n].1;
        }
        if i + 1 >= n && sum / n as f64 >= threshold {
            return Some(x);
        }
    }
    None
}

/// Area under the learning curve divided by its length: the mean value over training, in the
/// value's own units. The curve joins the points with straight lines, is held at the first value
/// from step 0 and at the last value up to `total_steps`; `None` without points.
pub fn normalised_auc(points: &[(f64, f64)], total_steps: f64) -> Option<f64> {
    let (&(x_first, y_first), &(x_last, y_last)) = (points.first()?, points.last()?);
    let end = total_steps.max(x_last);
    if end <= 0.0 {
        return Some(y_last);
    }
    let mut area = x_first.max(0.0) * y_first + (end - x_last) * y_last;
    for w in points.windows(2) {
        area += (w[1].0 - w[0].0) * (w[0].1 + w[1].1) / 2.0;
    }
    Some(area / end)
}

/// The curve as a step function sampled at `xs`: the value of the last point at or before each x
/// (`None` before the first point). Lets runs logged at different steps be averaged.
pub fn sample_at(points: &[(f64, f64)], xs: &[f64]) -> Vec<Option<f64>> {
    let mut i = 0;
    xs.iter()
        .map(|&x| {
            while i < points.len() && points[i].0 <= x {
                i += 1;
            }
            (i > 0).then(|| points[i - 1].1)
        })
        .collect()
}

/// Mean and sample standard deviation (n − 1; 0 for one value); `None` for no values.
pub fn mean_std(xs: &[f64]) -> Option<(f64, f64)> {
    if xs.is_empty() {
        return None;
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = if xs.len() > 1 { xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0) } else { 0.0 };
    Some((mean, var.sqrt()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_average_is_trailing() {
        let p = [(1.0, 1.0), (2.0, 3.0), (3.0, 5.0), (4.0, 7.0)];
        assert_eq!(moving_average(&p, 2), vec![(1.0, 1.0), (2.0, 2.0), (3.0, 4.0), (4.0, 6.0)]);
        assert_eq!(moving_average(&p, 1), p.to_vec());
    }

    #[test]
    fn threshold_needs_a_full_window() {
        let p: Vec<(f64, f64)> = (1..=6).map(|i| (i as f64 * 10.0, i as f64)).collect();
        // Means of the last 3: steps 30 → 2, 40 → 3, 50 → 4.
        assert_eq!(steps_to_threshold(&p, 3.0, 3), Some(40.0));
        assert_eq!(steps_to_threshold(&p, 1.0, 3), Some(30.0), "not before 3 values");
        assert_eq!(steps_to_threshold(&p, 9.0, 3), None);
        assert_eq!(steps_to_threshold(&p[..2], 0.0, 3), None);
    }

    #[test]
    fn auc_is_the_mean_over_training() {
        // Constant 5 → 5, whatever the spacing.
        assert_eq!(normalised_auc(&[(10.0, 5.0), (70.0, 5.0)], 100.0), Some(5.0));
        // A ramp 0 → 10 over [0, 100]: mean 5.
        assert_eq!(normalised_auc(&[(0.0, 0.0), (100.0, 10.0)], 100.0), Some(5.0));
        // Held at 10 for the second half: (250 + 500) / 100.
        assert_eq!(normalised_auc(&[(0.0, 0.0), (50.0, 10.0)], 100.0), Some(7.5));
        assert_eq!(normalised_auc(&[], 100.0), None);
    }

    #[test]
    fn sampling_holds_the_last_value() {
        let p = [(10.0, 1.0), (20.0, 2.0)];
        assert_eq!(sample_at(&p, &[0.0, 10.0, 15.0, 25.0]), vec![None, Some(1.0), Some(1.0), Some(2.0)]);
        assert_eq!(mean_std(&[1.0, 3.0]), Some((2.0, 2f64.sqrt())));
        assert_eq!(mean_std(&[4.0]), Some((4.0, 0.0)));
    }
}
