//! Seeded, stratified train / validation / test splits.

use rand::{seq::SliceRandom, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    pub train: Vec<usize>,
    pub validation: Vec<usize>,
    pub test: Vec<usize>,
}

/// Splits example indices so that each part holds every class in (nearly) the proportion of the
/// whole, like scikit-learn's `train_test_split(stratify=y)`: the test part gets
/// ceil(test·N) examples, the validation part ceil(validation·N), and each part's quota is
/// shared among the classes by largest remainder. Same labels and seed → same split.
pub fn stratified_split(labels: &[usize], validation: f64, test: f64, seed: u64) -> Split {
    let n = labels.len();
    let n_classes = labels.iter().max().map_or(0, |m| m + 1);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); n_classes];
    for (i, &c) in labels.iter().enumerate() {
        by_class[c].push(i);
    }
    for members in &mut by_class {
        members.shuffle(&mut rng);
    }
    let sizes: Vec<usize> = by_class.iter().map(Vec::len).collect();
    let n_test = ((test * n as f64).ceil() as usize).min(n);
    let n_val = ((validation * n as f64).ceil() as usize).min(n - n_test);
    let test_quota = apportion(&sizes, n_test);
    let left: Vec<usize> = sizes.iter().zip(&test_quota).map(|(s, t)| s - t).collect();
    let val_quota = apportion(&left, n_val);
    let mut split = Split { train: Vec::new(), validation: Vec::new(), test: Vec::new() };
    for (c, members) in by_class.iter().enumerate() {
        let (t, v) = (test_quota[c], val_quota[c]);
        split.test.extend(&members[..t]);
        split.validation.extend(&members[t..t + v]);
        split.train.extend(&members[t + v..]);
    }
    for part in [&mut split.train, &mut split.validation, &mut split.test] {
        part.shuffle(&mut rng);
    }
    split
}

/// Splits only a validation part off (for data that comes with its own test set).
pub fn stratified_holdout(labels: &[usize], validation: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let s = stratified_split(labels, validation, 0.0, seed);
    (s.train, s.validation)
}

/// Shares `total` among groups of the given sizes in proportion, never more than a group holds:
/// floors first, then the largest remainders (ties: the smaller group index).
fn apportion(sizes: &[usize], total: usize) -> Vec<usize> {
    let n: usize = sizes.iter().sum();
    if n == 0 {
        return vec![0; sizes.len()];
    }
    let exact: Vec<f64> = sizes.iter().map(|&s| s as f64 * total as f64 / n as f64).collect();
    let mut quota: Vec<usize> = exact.iter().zip(sizes).map(|(e, &s)| (e.floor() as usize).min(s)).collect();
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b)));
    let mut missing = total.saturating_sub(quota.iter().sum());
    while missing > 0 {
        let before = missing;
        for &c in &order {
            if missing > 0 && quota[c] < sizes[c] {
                quota[c] += 1;
                missing -= 1;
            }
        }
        if missing == before {
            break;
        }
    }
    quota
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_are_disjoint_complete_stratified_and_seeded() {
        // 86 of class 0, 14 of class 1 (like a spam set).
        let labels: Vec<usize> = (0..100).map(|i| usize::from(i % 8 == 0 || i == 99)).collect();
        let ones = labels.iter().filter(|&&l| l == 1).count();
        let s = stratified_split(&labels, 0.1, 0.2, 7);
        assert_eq!((s.train.len(), s.validation.len(), s.test.len()), (70, 10, 20));
        let mut all: Vec<usize> = s.train.iter().chain(&s.validation).chain(&s.test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..100).collect::<Vec<_>>());
        let count = |part: &[usize]| part.iter().filter(|&&i| labels[i] == 1).count();
        assert_eq!(count(&s.test), (ones as f64 * 0.2).round() as usize);
        assert_eq!(s, stratified_split(&labels, 0.1, 0.2, 7));
        assert_ne!(s.test, stratified_split(&labels, 0.1, 0.2, 8).test);
    }

    #[test]
    fn apportion_hits_the_total() {
        assert_eq!(apportion(&[5, 5, 5], 4), vec![2, 1, 1]);
        assert_eq!(apportion(&[1, 0, 9], 10), vec![1, 0, 9]);
        assert_eq!(apportion(&[], 0), Vec::<usize>::new());
        let (train, val) = stratified_holdout(&[0, 0, 0, 0, 1, 1, 1, 1, 1, 1], 0.2, 0);
        assert_eq!((train.len(), val.len()), (8, 2));
    }
}
