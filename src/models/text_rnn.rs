//! Text classifier: token embedding → LSTM or GRU → dense on the final hidden state.
//! Sequences are padded at the front by default, so the final state follows the real words.

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};
use tch::{
    nn::{self, RNN},
    Tensor,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RnnConfig {
    pub embedding_dim: i64,
    pub hidden: i64,
    pub layers: i64,
    pub bidirectional: bool,
    /// Dropout on the final state before the dense layer (training only).
    pub dropout: f64,
}

impl Default for RnnConfig {
    fn default() -> Self {
        RnnConfig { embedding_dim: 128, hidden: 128, layers: 1, bidirectional: false, dropout: 0.3 }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Lstm,
    Gru,
}

#[derive(Debug)]
enum Recurrent {
    Lstm(nn::LSTM),
    Gru(nn::GRU),
}

#[derive(Debug)]
pub struct TextRnn {
    embedding: nn::Embedding,
    rnn: Recurrent,
    out: nn::Linear,
    directions: i64,
    dropout: f64,
}

pub fn text_rnn(p: nn::Path, cell: Cell, vocab: i64, outputs: i64, c: &RnnConfig) -> Result<TextRnn> {
    if c.embedding_dim < 1 || c.hidden < 1 || c.layers < 1 || !(0.0..1.0).contains(&c.dropout) {
        bail!("rnn: embedding_dim, hidden and layers must be at least 1 and dropout in [0, 1)");
    }
    let embedding = super::padded_embedding(&p / "embedding", vocab, c.embedding_dim);
    let cfg = nn::RNNConfig { num_layers: c.layers, bidirectional: c.bidirectional, batch_first: true, ..Default::default() };
    let rnn = match cell {
        Cell::Lstm => Recurrent::Lstm(nn::lstm(&p / "lstm", c.embedding_dim, c.hidden, cfg)),
        Cell::Gru => Recurrent::Gru(nn::gru(&p / "gru", c.embedding_dim, c.hidden, cfg)),
    };
    let directions = if c.bidirectional { 2 } else { 1 };
    let out = nn::linear(&p / "out", c.hidden * directions, outputs, Default::default());
    Ok(TextRnn { embedding, rnn, out, directions, dropout: c.dropout })
}

impl nn::ModuleT for TextRnn {
    /// `xs`: `[batch, len]` token ids.
    fn forward_t(&self, xs: &Tensor, train: bool) -> Tensor {
        let emb = xs.apply(&self.embedding);
        // h: [layers × directions, batch, hidden]; the last `directions` rows are the top layer.
        let h = match &self.rnn {
            Recurrent::Lstm(l) => l.seq(&emb).1.h(),
            Recurrent::Gru(g) => g.seq(&emb).1.value(),
        };
        let n = h.size()[0];
        let top = h.narrow(0, n - self.directions, self.directions); // [directions, batch, hidden]
        let feats = top.permute([1, 0, 2]).flatten(1, 2);
        feats.dropout(self.dropout, train).apply(&self.out)
    }
}
