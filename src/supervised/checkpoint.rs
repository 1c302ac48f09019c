//! Checkpoint files. `checkpoint.safetensors` holds everything `--resume` needs in ONE file
//! (written atomically): every variable of every var store, the optimiser state and the
//! trainer's own state as JSON bytes, so a crash can never leave weights and state disagreeing.
//! `model.safetensors` holds only the variables of the best epoch (what prediction loads).

use std::{collections::HashMap, path::Path};

use anyhow::{anyhow, bail, Context, Result};
use serde::{de::DeserializeOwned, Serialize};
use tch::{nn::VarStore, Tensor};

use crate::run::run_dir::write_atomic;

const STATE_KEY: &str = "trainer_state.json";

/// Variables of the stores, keyed `STORE.VARIABLE`, sorted.
pub fn variables(stores: &[(&str, &VarStore)]) -> Vec<(String, Tensor)> {
    let mut out = Vec::new();
    for (name, vs) in stores {
        let mut vars: Vec<(String, Tensor)> = vs.variables().into_iter().map(|(k, t)| (format!("{name}.{k}"), t)).collect();
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        out.extend(vars);
    }
    out
}

/// Writes named tensors (plus `state` as JSON, when given) atomically to `path`.
pub fn write<S: Serialize>(path: &Path, mut tensors: Vec<(String, Tensor)>, state: Option<&S>) -> Result<()> {
    if let Some(s) = state {
        let json = serde_json::to_vec(s)?;
        tensors.push((STATE_KEY.to_string(), Tensor::from_slice(&json)));
    }
    let cpu: Vec<(String, Tensor)> = tensors.into_iter().map(|(k, t)| (k, t.to_device(tch::Device::Cpu))).collect();
    write_atomic(path, |tmp| Tensor::write_safetensors(&cpu, tmp).with_context(|| format!("cannot write {}", tmp.display())))
}

/// Reads a file written by [`write`]: its tensors and, when asked for, the state.
pub fn read<S: DeserializeOwned>(path: &Path) -> Result<(HashMap<String, Tensor>, Option<S>)> {
    let list = Tensor::read_safetensors(path).map_err(|e| anyhow!("{} is not a readable checkpoint ({})", path.display(), crate::cli::one_line(&e.to_string())))?;
    let mut map: HashMap<String, Tensor> = list.into_iter().collect();
    let state = match map.remove(STATE_KEY) {
        Some(t) => {
            let bytes: Vec<u8> = Vec::<u8>::try_from(&t).map_err(|e| anyhow!("{}: bad trainer state: {e}", path.display()))?;
            Some(serde_json::from_slice(&bytes).with_context(|| format!("{}: bad trainer state", path.display()))?)
        }
        None => None,
    };
    Ok((map, state))
}

/// Copies saved tensors into the stores' variables; every variable must be there with its shape.
pub fn load_variables(stores: &[(&str, &VarStore)], saved: &HashMap<String, Tensor>, from: &Path) -> Result<()> {
    for (key, mut var) in variables(stores) {
        let src = saved.get(&key).ok_or_else(|| anyhow!("{} lacks the variable {key}: it belongs to another model", from.display()))?;
        if src.size() != var.size() {
            bail!("{}: {key} has shape {:?}, the model expects {:?} (a different configuration?)", from.display(), src.size(), var.size());
        }
        tch::no_grad(|| var.copy_(src));
    }
    Ok(())
}
