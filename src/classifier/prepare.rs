//! From `--data` to tensors: load the dataset, encode the labels, split (seeded, stratified),
//! fit the preprocessing on the training split only, and build each split's tensors.
//! Every bad-input check happens here, before a run directory exists.

use std::path::Path;

use anyhow::{bail, Context, Result};
use tch::{Device, Tensor};

use super::{
    config::ClassifierConfig,
    spec::{fit_scaler, InputSpec, ModelSpec},
};
use crate::{
    data::{
        builtin::{self, Kind, FASHION_CLASSES},
        images::{self, Images},
        labels, require, split, table, texts,
    },
    models::ModelKind,
    text::Vectorizer,
};

/// One split as tensors: inputs and class indices.
pub struct Part {
    pub x: Tensor,
    pub y: Tensor,
    pub labels: Vec<usize>,
}

impl Part {
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

pub struct Prepared {
    pub spec: ModelSpec,
    pub train: Part,
    pub validation: Option<Part>,
    pub test: Part,
}

enum Raw {
    /// Images with their labels; `test` when the data comes with its own test set.
    Images { train: Images, test: Option<Images>, classes: Option<Vec<String>> },
    Table { table: table::Table, names: Option<Vec<String>> },
    Text { set: texts::TextSet, names: Option<Vec<String>> },
}

impl Raw {
    fn kind(&self) -> Kind {
        match self {
            Raw::Images { .. } => Kind::Images,
            Raw::Table { .. } => Kind::Table,
            Raw::Text { .. } => Kind::Text,
        }
    }
}

fn wanted_kind(model: ModelKind) -> Kind {
    match model {
        ModelKind::Cnn => Kind::Images,
        ModelKind::Mlp => Kind::Table,
        _ => Kind::Text,
    }
}

pub fn prepare(cfg: &ClassifierConfig, device: Device) -> Result<Prepared> {
    let model = cfg.model()?;
    let raw = load_raw(cfg, model)?;
    if raw.kind() != wanted_kind(model) {
        let fits = match raw.kind() {
            Kind::Images => "cnn",
            Kind::Table => "mlp",
            Kind::Text => "lstm, gru or textcnn",
        };
        bail!("{} is {} data; the {} model takes {} data (use --model {fits})", cfg.data.source, raw.kind().name(), model.name(), wanted_kind(model).name());
    }
    let d = &cfg.data;
    match raw {
        Raw::Images { train, test, classes } => {
            let classes = classes.unwrap_or_else(|| digit_classes(&train.labels, test.as_ref()));
            check_classes(&classes, model, d.target.as_deref().unwrap_or("label"))?;
            let spec = ModelSpec { model, data: d.source.clone(), classes, input: InputSpec::Image { height: train.height, width: train.width } };
            let part = |set: &Images, idx: &[usize]| -> Result<Part> {
                let side = set.height * set.width;
                let mut px = Vec::with_capacity(idx.len() * side);
                for &i in idx {
                    px.extend_from_slice(&set.pixels[i * side..(i + 1) * side]);
                }
                let labels: Vec<usize> = idx.iter().map(|&i| set.labels[i]).collect();
                Ok(Part { x: spec.image_tensor(&px, set.height, set.width, device)?, y: label_tensor(&labels, device), labels })
            };
            let (tr, va, te) = match &test {
                Some(t) => {
                    if (t.height, t.width) != (train.height, train.width) {
                        bail!("the test images are {}×{}, the training images {}×{}", t.height, t.width, train.height, train.width);
                    }
                    let (tr, va) = split::stratified_holdout(&train.labels, d.validation, d.split_seed);
                    (part(&train, &tr)?, part(&train, &va)?, part(t, &(0..t.len()).collect::<Vec<_>>())?)
                }
                None => {
                    let s = split::stratified_split(&train.labels, d.validation, d.test, d.split_seed);
                    (part(&train, &s.train)?, part(&train, &s.validation)?, part(&train, &s.test)?)
                }
            };
            finish(spec, tr, va, te)
        }
        Raw::Table { table, names } => {
            let (classes, y) = encode(&table.target, names);
            check_classes(&classes, model, d.target.as_deref().unwrap_or("target"))?;
            let s = split_or_fail(&y, cfg)?;
            let nf = table.n_features();
            let rows = |idx: &[usize]| -> Vec<f32> { idx.iter().flat_map(|&i| table.features[i * nf..(i + 1) * nf].iter().copied()).collect() };
            let (mean, std) = fit_scaler(&rows(&s.train), nf, d.standardize);
            let spec = ModelSpec { model, data: d.source.clone(), classes, input: InputSpec::Table { features: table.feature_names.clone(), mean, std } };
            let part = |idx: &[usize]| -> Result<Part> {
                let labels: Vec<usize> = idx.iter().map(|&i| y[i]).collect();
                Ok(Part { x: spec.table_tensor(&rows(idx), device)?, y: label_tensor(&labels, device), labels })
            };
            let (tr, va, te) = (part(&s.train)?, part(&s.validation)?, part(&s.test)?);
            finish(spec, tr, va, te)
        }
        Raw::Text { set, names } => {
            let (classes, y) = encode(&set.target, names);
            check_classes(&classes, model, d.target.as_deref().unwrap_or("target"))?;
            let s = split_or_fail(&y, cfg)?;
            let train_texts: Vec<&str> = s.train.iter().map(|&i| set.texts[i].as_str()).collect();
            let vectorizer = Vectorizer::fit(&train_texts, &cfg.text).context("fitting the vocabulary on the training texts")?;
            let spec = ModelSpec { model, data: d.source.clone(), classes, input: InputSpec::Text { vectorizer } };
            let part = |idx: &[usize]| -> Result<Part> {
                let t: Vec<&str> = idx.iter().map(|&i| set.texts[i].as_str()).collect();
                let labels: Vec<usize> = idx.iter().map(|&i| y[i]).collect();
                Ok(Part { x: spec.text_tensor(&t, device)?, y: label_tensor(&labels, device), labels })
            };
            let (tr, va, te) = (part(&s.train)?, part(&s.validation)?, part(&s.test)?);
            finish(spec, tr, va, te)
        }
    }
}

fn finish(spec: ModelSpec, train: Part, validation: Part, test: Part) -> Result<Prepared> {
    if train.is_empty() || test.is_empty() {
        bail!("too few examples: {} to train on and {} to test (lower data.test or data.validation)", train.len(), test.len());
    }
    let validation = (!validation.is_empty()).then_some(validation);
    Ok(Prepared { spec, train, validation, test })
}

fn split_or_fail(y: &[usize], cfg: &ClassifierConfig) -> Result<split::Split> {
    Ok(split::stratified_split(y, cfg.data.validation, cfg.data.test, cfg.data.split_seed))
}

fn label_tensor(labels: &[usize], device: Device) -> Tensor {
    let v: Vec<i64> = labels.iter().map(|&l| l as i64).collect();
    Tensor::from_slice(&v).to_device(device)
}

/// Class indices from raw target values; builtin data codes 0/1 get their names.
fn encode(raw: &[String], names: Option<Vec<String>>) -> (Vec<String>, Vec<usize>) {
    let (classes, y) = labels::encode(raw);
    match names {
        Some(n) => (classes.iter().map(|c| c.parse::<usize>().ok().and_then(|i| n.get(i).cloned()).unwrap_or_else(|| c.clone())).collect(), y),
        None => (classes, y),
    }
}

fn digit_classes(train: &[usize], test: Option<&Images>) -> Vec<String> {
    let max = train.iter().chain(test.map_or(&[][..], |t| &t.labels[..])).max().copied().unwrap_or(0);
    (0..=max).map(|c| c.to_string()).collect()
}

fn check_classes(classes: &[String], model: ModelKind, target: &str) -> Result<()> {
    if classes.len() < 2 {
        bail!("the target '{target}' has a single value ({}): nothing to classify", classes.first().map_or("", String::as_str));
    }
    if model == ModelKind::Mlp && classes.len() != 2 {
        let shown: Vec<&str> = classes.iter().take(6).map(String::as_str).collect();
        bail!(
            "the target '{target}' has {} classes ({}{}); the mlp model is binary (sigmoid + binary cross-entropy): choose a column with two values",
            classes.len(),
            shown.join(", "),
            if classes.len() > 6 { ", …" } else { "" }
        );
    }
    Ok(())
}

fn load_raw(cfg: &ClassifierConfig, model: ModelKind) -> Result<Raw> {
    let d = &cfg.data;
    if let Some(b) = builtin::builtin(&d.source) {
        if let Some(t) = &d.target {
            bail!("--target {t}: the {} dataset has its own target; --target names a column of a CSV file", b.name);
        }
        let dir = require(b)?;
        return Ok(match b.name {
            "fashion-mnist" => {
                let (train, test) = builtin::load_fashion(&dir)?;
                Raw::Images { train, test: Some(test), classes: Some(FASHION_CLASSES.iter().map(|s| s.to_string()).collect()) }
            }
            "mnist5k" => Raw::Images { train: builtin::load_mnist5k(&dir)?, test: None, classes: None },
            "breast-cancer" => {
                let (table, names) = builtin::load_breast_cancer(&dir)?;
                Raw::Table { table, names: Some(names) }
            }
            "sms-spam" => Raw::Text { set: builtin::load_sms(&dir)?, names: Some(vec!["ham".into(), "spam".into()]) },
            other => bail!("no loader for dataset {other}"),
        });
    }
    let path = Path::new(&d.source);
    if !path.exists() {
        bail!(
            "data file {} does not exist (and it is not a dataset name: {})",
            path.display(),
            builtin::names().join(", ")
        );
    }
    let target = || d.target.clone().with_context(|| format!("name the target column of {} with --target COL", path.display()));
    Ok(match wanted_kind(model) {
        Kind::Images if path.is_dir() => {
            let find = |stem: &str| [stem.to_string(), format!("{stem}.gz")].into_iter().map(|n| path.join(n)).find(|p| p.is_file());
            let (Some(ti), Some(tl)) = (find("train-images-idx3-ubyte"), find("train-labels-idx1-ubyte")) else {
                bail!("{} holds no train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]", path.display());
            };
            let test = match (find("t10k-images-idx3-ubyte"), find("t10k-labels-idx1-ubyte")) {
                (Some(i), Some(l)) => Some(images::load_idx_pair(&i, &l)?),
                _ => None,
            };
            Raw::Images { train: images::load_idx_pair(&ti, &tl)?, test, classes: None }
        }
        Kind::Images => Raw::Images { train: images::load_pixel_csv(path, true)?, test: None, classes: None },
        Kind::Table => Raw::Table { table: table::load_csv(path, &target()?)?, names: None },
        Kind::Text => Raw::Text { set: texts::load_csv(path, &d.text_column, &target()?)?, names: None },
    })
}
