//! `rlab train classifier` settings: defaults < TOML file (`--config`) < flags. The resolved
//! config is saved as `config.toml` in the run directory; `rlab predict` and `--resume` read it.

use anyhow::{bail, Result};
use rlab_agents::DeviceChoice;
use serde::{Deserialize, Serialize};

use crate::{
    models::{CnnConfig, MlpConfig, ModelKind, ModelsConfig, RnnConfig, TextCnnConfig},
    supervised::TrainConfig,
    text::VectorizerConfig,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DataConfig {
    /// A dataset name (fashion-mnist, mnist5k, breast-cancer, sms-spam) or a file: a CSV
    /// (tabular or text), a CSV of pixels, or a directory of IDX files.
    pub source: String,
    /// Target column of a CSV file.
    pub target: Option<String>,
    /// Text column of a CSV file for the text models.
    pub text_column: String,
    /// Fraction of the examples held out for validation (model selection, early stopping).
    pub validation: f64,
    /// Fraction held out for the final test (ignored for data with its own test set).
    pub test: f64,
    /// Seeds the split; fixed apart from the training seed so that runs with different
    /// training seeds are scored on the same test examples.
    pub split_seed: u64,
    /// Tabular data: scale each feature to zero mean and unit variance (fitted on the training split).
    pub standardize: bool,
}

impl Default for DataConfig {
    fn default() -> Self {
        DataConfig {
            source: String::new(),
            target: None,
            text_column: "text".into(),
            validation: 0.1,
            test: 0.2,
            split_seed: 0,
            standardize: true,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClassWeight {
    /// Every example counts the same.
    #[default]
    None,
    /// Weight each class by n / (classes · its count) in the training loss (scikit-learn's
    /// "balanced"): a rare class counts as much as a common one.
    Balanced,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClassifierConfig {
    /// cnn, mlp, lstm, gru or textcnn.
    pub model: Option<ModelKind>,
    /// none or balanced: class weights in the training loss.
    pub class_weight: ClassWeight,
    /// auto, cpu or cuda.
    pub device: DeviceChoice,
    /// libtorch CPU threads.
    pub threads: usize,
    /// Examples per forward pass when evaluating.
    pub eval_batch_size: usize,
    pub data: DataConfig,
    pub train: TrainConfig,
    /// The text vectoriser (lstm, gru, textcnn).
    pub text: VectorizerConfig,
    pub cnn: CnnConfig,
    pub mlp: MlpConfig,
    pub rnn: RnnConfig,
    pub textcnn: TextCnnConfig,
}

impl Default for ClassifierConfig {
    fn default() -> Self {
        ClassifierConfig {
            model: None,
            class_weight: ClassWeight::None,
            device: DeviceChoice::Auto,
            threads: 2,
            eval_batch_size: 512,
            data: DataConfig::default(),
            train: TrainConfig::default(),
            text: VectorizerConfig::default(),
            cnn: CnnConfig::default(),
            mlp: MlpConfig::default(),
            rnn: RnnConfig::default(),
            textcnn: TextCnnConfig::default(),
        }
    }
}

impl ClassifierConfig {
    pub fn model(&self) -> Result<ModelKind> {
        self.model.ok_or_else(|| anyhow::anyhow!("choose a model with --model cnn|mlp|lstm|gru|textcnn"))
    }

    pub fn models(&self) -> ModelsConfig {
        ModelsConfig { cnn: self.cnn.clone(), mlp: self.mlp.clone(), rnn: self.rnn.clone(), textcnn: self.textcnn.clone() }
    }

    pub fn validate(&self) -> Result<()> {
        let model = self.model()?;
        if self.data.source.trim().is_empty() {
            bail!("choose the data with --data NAME|FILE (names: {})", crate::data::builtin::names().join(", "));
        }
        let d = &self.data;
        for (name, v) in [("data.validation", d.validation), ("data.test", d.test)] {
            if !(0.0..1.0).contains(&v) {
                bail!("{name} must lie in [0, 1), got {v}");
            }
        }
        if d.validation + d.test >= 1.0 {
            bail!("data.validation + data.test must leave examples to train on, got {}", d.validation + d.test);
        }
        if self.threads == 0 || self.eval_batch_size == 0 {
            bail!("threads and eval_batch_size must be at least 1");
        }
        self.train.validate()?;
        self.text.validate()?;
        if model.is_text() && self.text.ngram_range != [1, 1] {
            bail!("the {} model reads word sequences: text.ngram_range must be [1, 1]", model.name());
        }
        Ok(())
    }
}
