//! Small synthetic datasets written to temp files, so the classifier tests need no download.

use std::path::{Path, PathBuf};

/// A tiny deterministic generator (64-bit LCG): the tests need fixed data, not good randomness.
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Self {
        Lcg(seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407))
    }

    pub fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_f64() * n as f64) as usize % n
    }
}

/// `n` rows of three features and a yes/no label decided by x1 + x2 (the third is noise),
/// columns in the order `x1,label,x2,x3`.
pub fn tabular_csv(dir: &Path, n: usize) -> PathBuf {
    let mut rng = Lcg::new(7);
    let mut s = String::from("x1,label,x2,x3\n");
    for _ in 0..n {
        let (a, b, c) = (rng.next_f64() * 4.0 - 2.0, rng.next_f64() * 4.0 - 2.0, rng.next_f64() * 10.0);
        let label = if a + b > 0.0 { "yes" } else { "no" };
        s += &format!("{a:.4},{label},{b:.4},{c:.4}\n");
    }
    let p = dir.join("blobs.csv");
    std::fs::write(&p, s).unwrap();
    p
}

const SPAM: [&str; 8] = ["win", "free", "prize", "cash", "claim", "urgent", "offer", "txt"];
const HAM: [&str; 8] = ["home", "dinner", "tomorrow", "meeting", "love", "later", "mum", "sleep"];
const FILLER: [&str; 6] = ["the", "you", "to", "and", "now", "ok"];

/// Messages with a `body` column and a `kind` column (spam or ham); each message mixes words
/// of its class with filler words.
pub fn text_csv(dir: &Path, n: usize) -> PathBuf {
    let mut rng = Lcg::new(11);
    let mut s = String::from("id,body,kind\n");
    for i in 0..n {
        let spam = rng.next_f64() < 0.4;
        let words = if spam { &SPAM } else { &HAM };
        let len = 4 + rng.below(6);
        let msg: Vec<&str> = (0..len).map(|k| if k % 2 == 0 { words[rng.below(8)] } else { FILLER[rng.below(6)] }).collect();
        s += &format!("{i},\"{}!\",{}\n", msg.join(" "), if spam { "spam" } else { "ham" });
    }
    let p = dir.join("messages.csv");
    std::fs::write(&p, s).unwrap();
    p
}

fn idx(dims: &[usize], data: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 0x08, dims.len() as u8];
    for &d in dims {
        out.extend_from_slice(&(d as u32).to_be_bytes());
    }
    out.extend_from_slice(data);
    out
}

/// 8×8 images of three classes: a horizontal bar (0), a vertical bar (1), a diagonal (2).
pub fn images(n: usize, seed: u64) -> (Vec<u8>, Vec<u8>) {
    let mut rng = Lcg::new(seed);
    let (mut px, mut labels) = (Vec::new(), Vec::new());
    for _ in 0..n {
        let class = rng.below(3);
        let at = 1 + rng.below(6);
        let mut img = [0u8; 64];
        for k in 0..8 {
            let (r, c) = match class {
                0 => (at, k),
                1 => (k, at),
                _ => (k, k),
            };
            img[r * 8 + c] = 200 + rng.below(56) as u8;
        }
        for v in img.iter_mut() {
            *v = v.saturating_add(rng.below(30) as u8);
        }
        px.extend_from_slice(&img);
        labels.push(class as u8);
    }
    (px, labels)
}

/// A directory of IDX files in the MNIST naming (train and t10k).
pub fn idx_dir(dir: &Path) -> PathBuf {
    let d = dir.join("bars");
    std::fs::create_dir_all(&d).unwrap();
    for (stem, n, seed) in [("train", 240, 1), ("t10k", 60, 2)] {
        let (px, labels) = images(n, seed);
        std::fs::write(d.join(format!("{stem}-images-idx3-ubyte")), idx(&[n, 8, 8], &px)).unwrap();
        std::fs::write(d.join(format!("{stem}-labels-idx1-ubyte")), idx(&[n], &labels)).unwrap();
    }
    d
}

/// `n` unlabelled images as an IDX file, and their classes.
pub fn idx_images_file(dir: &Path, n: usize) -> (PathBuf, Vec<u8>) {
    let (px, labels) = images(n, 3);
    let p = dir.join("new-images-idx3-ubyte");
    std::fs::write(&p, idx(&[n, 8, 8], &px)).unwrap();
    (p, labels)
}
