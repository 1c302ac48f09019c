//! Observation and action spaces.
//!
//! Two kinds cover every env here, as enums rather than generics so that an algorithm can be
//! chosen by name at run time: `Discrete { n }` (actions `0..n`) and `Box` (a tensor of `f32`
//! with per-element bounds, possibly infinite). [`Action`] is the matching value type.

use std::cmp::Ordering;
use std::fmt;

use rand::Rng;
use serde::Serialize;

use crate::env::EnvError;

/// The set of valid observations or actions of an environment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Space {
    /// The integers `0..n`.
    Discrete { n: usize },
    /// `f32` tensors of `shape`, element `i` in `[low[i], high[i]]` (bounds may be infinite).
    /// `low` and `high` hold one value per element (row-major), `product(shape)` of them.
    Box {
        low: Vec<f32>,
        high: Vec<f32>,
        shape: Vec<usize>,
    },
}

/// One action: an index for [`Space::Discrete`], a flat vector for [`Space::Box`].
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Discrete(usize),
    Continuous(Vec<f32>),
}

impl Space {
    /// A `Box` with per-element bounds; checks lengths and that `low <= high` (no NaN).
    pub fn new_box(low: Vec<f32>, high: Vec<f32>, shape: Vec<usize>) -> Result<Space, EnvError> {
        let n: usize = shape.iter().product();
        if low.len() != n || high.len() != n {
            return Err(EnvError::BadArg(format!(
                "box bounds have {} and {} values, shape {:?} needs {}",
                low.len(),
                high.len(),
                shape,
                n
            )));
        }
        let ordered = |i: usize| {
            matches!(
                low[i].partial_cmp(&high[i]),
                Some(Ordering::Less | Ordering::Equal)
            )
        };
        if let Some(i) = (0..n).find(|&i| !ordered(i)) {
            return Err(EnvError::BadArg(format!(
                "box bound {i}: low {} is not <= high {}",
                low[i], high[i]
            )));
        }
        Ok(Space::Box { low, high, shape })
    }

    /// A `Box` whose elements all share the bounds `[low, high]`.
    pub fn uniform_box(low: f32, high: f32, shape: Vec<usize>) -> Result<Space, EnvError> {
        let n: usize = shape.iter().product();
        Space::new_box(vec![low; n], vec![high; n], shape)
    }

    /// A random member of the space. Box elements: uniform when both bounds are finite,
    /// bound ± exponential(1) when one is infinite, standard normal when both are
    /// (the same rule as Gymnasium's `Box.sample`).
    pub fn sample(&self, rng: &mut impl Rng) -> Action {
        match self {
            Space::Discrete { n } => {
                Action::Discrete(if *n == 0 { 0 } else { rng.gen_range(0..*n) })
            }
            Space::Box { low, high, .. } => Action::Continuous(
                low.iter()
                    .zip(high)
                    .map(|(&lo, &hi)| sample_interval(lo, hi, rng))
                    .collect(),
            ),
        }
    }

    /// Whether `a` is a valid action of this space (kind, length, bounds; NaN never is).
    pub fn contains_action(&self, a: &Action) -> bool {
        match (self, a) {
            (Space::Discrete { n }, Action::Discrete(i)) => i < n,
            (Space::Box { .. }, Action::Continuous(v)) => self.contains(v),
            _ => false,
        }
    }

    /// Whether the flat vector `obs` lies in this `Box`: right length, every element within its
    /// bounds. NaN is never inside; ±inf only where that bound is itself infinite.
    /// A `Discrete` space contains nothing in this sense (its members are indices).
    pub fn contains(&self, obs: &[f32]) -> bool {
        match self {
            Space::Discrete { .. } => false,
            Space::Box { low, high, .. } => {
                obs.len() == low.len()
                    && obs
                        .iter()
                        .zip(low.iter().zip(high))
                        .all(|(&v, (&lo, &hi))| lo <= v && v <= hi)
            }
        }
    }

    /// Tensor shape of a member: `[]` for `Discrete`, `shape` for `Box`.
    pub fn shape(&self) -> Vec<usize> {
        match self {
            Space::Discrete { .. } => Vec::new(),
            Space::Box { shape, .. } => shape.clone(),
        }
    }

    /// Length of the flat vector a network sees: `n` (one-hot) for `Discrete`, the product of
    /// the shape for `Box`.
    pub fn flat_dim(&self) -> usize {
        match self {
            Space::Discrete { n } => *n,
            Space::Box { shape, .. } => shape.iter().product(),
        }
    }

    /// One human-readable line: `Discrete(2)`, `Box(0..1, shape [4, 5, 5])`, or for mixed bounds
    /// `Box([-4.8, -inf]..[4.8, inf], shape [2])`.
    pub fn describe(&self) -> String {
        match self {
            Space::Discrete { n } => format!("Discrete({n})"),
            Space::Box { low, high, shape } => {
                let same = |v: &[f32]| v.windows(2).all(|w| w[0] == w[1]);
                if !low.is_empty() && same(low) && same(high) {
                    format!("Box({}..{}, shape {:?})", low[0], high[0], shape)
                } else {
                    format!("Box({}..{}, shape {:?})", list(low), list(high), shape)
                }
            }
        }
    }
}

fn list(v: &[f32]) -> String {
    let items: Vec<String> = v.iter().map(|x| x.to_string()).collect();
    format!("[{}]", items.join(", "))
}

fn sample_interval(lo: f32, hi: f32, rng: &mut impl Rng) -> f32 {
    let exp1 = |rng: &mut dyn rand::RngCore| -> f32 {
        // Inverse CDF of Exp(1); 1 - u lies in (0, 1] so the log is finite.
        -((1.0 - rng.gen::<f64>()).ln()) as f32
    };
    match (lo.is_finite(), hi.is_finite()) {
        (true, true) if lo < hi => rng.gen_range(lo..=hi),
        (true, true) => lo,
        (true, false) => lo + exp1(rng),
        (false, true) => hi - exp1(rng),
        (false, false) => {
            // Box-Muller: u1 in (0, 1] keeps the log finite.
            let u1 = 1.0 - rng.gen::<f64>();
            let u2 = rng.gen::<f64>();
            ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
        }
    }
}

impl fmt::Display for Space {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Discrete(i) => write!(f, "Discrete({i})"),
            Action::Continuous(v) => write!(f, "Continuous({})", list(v)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn discrete_sample_and_contains() {
        let s = Space::Discrete { n: 3 };
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let mut seen = [false; 3];
        for _ in 0..100 {
            match s.sample(&mut rng) {
                Action::Discrete(i) => seen[i] = true,
                a => panic!("wrong kind {a:?}"),
            }
        }
        assert_eq!(seen, [true; 3]);
        assert!(s.contains_action(&Action::Discrete(2)));
        assert!(!s.contains_action(&Action::Discrete(3)));
        assert!(!s.contains_action(&Action::Continuous(vec![0.0])));
        assert_eq!(s.shape(), Vec::<usize>::new());
        assert_eq!(s.flat_dim(), 3);
        assert_eq!(s.describe(), "Discrete(3)");
    }

    #[test]
    fn box_sample_and_contains() {
        let inf = f32::INFINITY;
        let s = Space::new_box(
            vec![-1.0, 0.0, -inf, -inf],
            vec![1.0, inf, 2.0, inf],
            vec![4],
        )
        .unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..1000 {
            let a = s.sample(&mut rng);
            assert!(s.contains_action(&a), "{a:?}");
        }
        assert!(s.contains(&[1.0, 5.0, -1e30, 3.0]));
        assert!(
            s.contains(&[-1.0, inf, -inf, -inf]),
            "infinite values allowed where the bound is infinite"
        );
        assert!(!s.contains(&[1.5, 0.0, 0.0, 0.0]), "above high");
        assert!(!s.contains(&[0.0, -0.1, 0.0, 0.0]), "below low");
        assert!(
            !s.contains(&[0.0, 0.0, inf, 0.0]),
            "inf above a finite bound"
        );
        assert!(!s.contains(&[f32::NAN, 0.0, 0.0, 0.0]), "NaN");
        assert!(
            !s.contains(&[0.0, 0.0, 0.0, f32::NAN]),
            "NaN under infinite bounds"
        );
        assert!(!s.contains(&[0.0; 3]), "length");
        assert!(!s.contains_action(&Action::Discrete(0)));
        assert_eq!(s.shape(), vec![4]);
        assert_eq!(s.flat_dim(), 4);
        assert_eq!(
            s.describe(),
            "Box([-1, 0, -inf, -inf]..[1, inf, 2, inf], shape [4])"
        );
    }

    #[test]
    fn box_shape_and_describe() {
        let s = Space::uniform_box(0.0, 1.0, vec![4, 3, 5]).unwrap();
        assert_eq!(s.flat_dim(), 60);
        assert_eq!(s.describe(), "Box(0..1, shape [4, 3, 5])");
        assert!(Space::new_box(vec![0.0], vec![1.0, 2.0], vec![2]).is_err());
        assert!(Space::new_box(vec![2.0], vec![1.0], vec![1]).is_err());
        assert!(Space::new_box(vec![f32::NAN], vec![1.0], vec![1]).is_err());
    }
}
