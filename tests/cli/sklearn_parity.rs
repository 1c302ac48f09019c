//! rlab's metrics and text vectoriser against the real scikit-learn (scripts/sklearn_reference.py),
//! on the real SMS messages and on random labels. Runs when RLAB_SKLEARN_PYTHON names a python
//! with scikit-learn (scripts/test.sh sets it to the reference venv); skipped otherwise.

use std::collections::{BTreeMap, HashMap};

use rlab::{
    data::{builtin, store::dataset_dir},
    metrics::{accuracy, confusion_matrix, per_class, precision_recall_f1, Average, Prf},
    text::{DfBound, Vectorizer, VectorizerConfig},
};
use serde_json::{json, Value};

use crate::common::{synthetic::Lcg, TempDir};

fn python() -> Option<String> {
    match std::env::var("RLAB_SKLEARN_PYTHON") {
        Ok(p) if !p.is_empty() => Some(p),
        _ => {
            eprintln!("skipped: set RLAB_SKLEARN_PYTHON to a python with scikit-learn (scripts/test.sh does)");
            None
        }
    }
}

fn vectorizer_cases() -> Vec<(&'static str, VectorizerConfig)> {
    let base = VectorizerConfig::sklearn();
    vec![
        ("defaults", base.clone()),
        ("one_char_tokens_no_lowercase", VectorizerConfig { min_token_chars: 1, lowercase: false, ..base.clone() }),
        ("bigrams_min_df_2", VectorizerConfig { ngram_range: [1, 2], min_df: DfBound::Count(2), ..base.clone() }),
        ("proportions", VectorizerConfig { min_df: DfBound::Proportion(0.001), max_df: DfBound::Proportion(0.05), ..base.clone() }),
        ("max_df_count", VectorizerConfig { max_df: DfBound::Count(40), ..base.clone() }),
        ("max_features_1000", VectorizerConfig { max_features: Some(1000), ..base.clone() }),
        ("max_features_4000_bigrams", VectorizerConfig { max_features: Some(4000), ngram_range: [1, 2], ..base.clone() }),
        ("trigrams_only", VectorizerConfig { ngram_range: [2, 3], min_df: DfBound::Count(3), ..base }),
    ]
}

/// (name, y_true, y_pred, labels)
type MetricCase = (String, Vec<usize>, Vec<usize>, Option<Vec<usize>>);

fn metric_cases() -> Vec<MetricCase> {
    let mut rng = Lcg::new(5);
    let mut random = |n: usize, k: usize, skew: f64| -> Vec<usize> {
        (0..n).map(|_| if rng.next_f64() < skew { 0 } else { rng.below(k) }).collect()
    };
    let mut cases: Vec<MetricCase> = vec![
        ("all_negative_predictions".into(), vec![0, 1, 1, 0], vec![0, 0, 0, 0], None),
        ("references_multiclass".into(), vec![0, 1, 2, 0, 1, 2, 0, 0], vec![0, 2, 1, 0, 0, 1, 0, 1], None),
        ("only_negatives".into(), vec![0, 0, 0], vec![0, 0, 0], None),
        ("absent_class_listed".into(), vec![0, 1, 2, 2, 1], vec![0, 2, 2, 1, 1], Some(vec![0, 1, 2, 3])),
        ("subset_of_labels".into(), vec![0, 1, 2, 2, 1, 3], vec![0, 2, 2, 1, 1, 0], Some(vec![1, 2])),
    ];
    for seed in 0..4 {
        let (t, p) = (random(500, 2, 0.7), random(500, 2, 0.6));
        cases.push((format!("random_binary_{seed}"), t, p, None));
        let (t, p) = (random(400, 5, 0.3), random(400, 5, 0.2));
        cases.push((format!("random_5_classes_{seed}"), t, p, None));
    }
    cases
}

fn close(a: f64, b: f64, tol: f64, what: &str) {
    assert!((a - b).abs() <= tol, "{what}: rlab {a} vs scikit-learn {b}");
}

fn prf_json(v: Option<Prf>) -> Value {
    v.map_or(Value::Null, |s| json!([s.precision, s.recall, s.f1]))
}

/// Sparse rows as `(row, column) → value`.
fn sparse(rows: impl Iterator<Item = Vec<(usize, f64)>>) -> BTreeMap<(usize, usize), f64> {
    rows.enumerate().flat_map(|(r, v)| v.into_iter().map(move |(c, x)| ((r, c), x))).collect()
}

fn check_vectorizer(name: &str, cfg: &VectorizerConfig, want: &Value, fit: &[String], eval: &[String]) {
    let v = Vectorizer::fit(fit, cfg).unwrap();
    let sk_terms: Vec<String> = want["terms"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect();
    if !want["cut_count"].is_null() {
        // A tie at the max_features cut: scikit-learn's pick among the tied terms comes from
        // numpy's unstable sort. Everything above the tied count must agree, and the sizes.
        let cut = want["cut_count"].as_f64().unwrap();
        let totals: HashMap<String, f64> =
            want["totals"].as_object().unwrap().iter().map(|(k, c)| (k.clone(), c.as_f64().unwrap())).collect();
        let above = |terms: &[String]| -> Vec<String> { terms.iter().filter(|t| totals[t.as_str()] > cut).cloned().collect() };
        assert_eq!(above(v.terms()), above(&sk_terms), "{name}: terms above the cut differ");
        assert_eq!(v.len(), sk_terms.len(), "{name}: vocabulary size differs");
        eprintln!("{name}: tie at the max_features cut (count {cut}); compared the terms above it");
        return;
    }
    assert_eq!(v.terms(), sk_terms.as_slice(), "{name}: vocabulary differs");
    for (kind, tol) in [("counts", 0.0), ("tfidf", 1e-6)] {
        let mine = sparse(eval.iter().map(|t| if kind == "counts" { v.counts(t) } else { v.tfidf(t) }));
        let theirs: BTreeMap<(usize, usize), f64> = want[kind]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| ((t[0].as_u64().unwrap() as usize, t[1].as_u64().unwrap() as usize), t[2].as_f64().unwrap()))
            .collect();
        assert_eq!(mine.len(), theirs.len(), "{name} {kind}: number of non-zeros differs");
        for ((k, a), (k2, b)) in mine.iter().zip(&theirs) {
            assert_eq!(k, k2, "{name} {kind}: non-zero positions differ");
            close(*a, *b, tol, &format!("{name} {kind} at {k:?}"));
        }
    }
}

fn check_metrics(name: &str, t: &[usize], p: &[usize], labels: Option<&[usize]>, want: &Value) {
    close(accuracy(t, p).unwrap(), want["accuracy"].as_f64().unwrap(), 1e-12, &format!("{name} accuracy"));
    let n = want["confusion"].as_array().unwrap().len();
    assert_eq!(serde_json::to_value(confusion_matrix(t, p, n).unwrap()).unwrap(), want["confusion"], "{name} confusion");
    let mine = [
        ("binary", prf_json(precision_recall_f1(t, p, None, Average::Binary { pos_label: 1 }).ok())),
        ("macro", prf_json(precision_recall_f1(t, p, labels, Average::Macro).ok())),
        ("micro", prf_json(precision_recall_f1(t, p, labels, Average::Micro).ok())),
        ("weighted", prf_json(precision_recall_f1(t, p, labels, Average::Weighted).ok())),
    ];
    for (avg, got) in mine {
        let w = &want[avg];
        assert_eq!(got.is_null(), w.is_null(), "{name} {avg}: rlab {got} vs scikit-learn {w}");
        if let (Some(g), Some(w)) = (got.as_array(), w.as_array()) {
            for (a, b) in g.iter().zip(w) {
                close(a.as_f64().unwrap(), b.as_f64().unwrap(), 1e-12, &format!("{name} {avg}"));
            }
        }
    }
    let w = want["per_class"].as_array().unwrap();
    for (k, s) in per_class(t, p, labels).unwrap().iter().enumerate() {
        for (field, mine) in [s.precision, s.recall, s.f1, s.support as f64].iter().enumerate() {
            close(*mine, w[field][k].as_f64().unwrap(), 1e-12, &format!("{name} per-class field {field} of label {}", s.label));
        }
    }
}

#[test]
fn metrics_and_vectoriser_match_scikit_learn() {
    let Some(py) = python() else { return };
    let set = builtin::load_sms(&dataset_dir(builtin("sms-spam").unwrap()))
        .unwrap_or_else(|e| panic!("the parity test needs the SMS data (rlab data fetch sms-spam): {e}"));
    let (fit, eval) = set.texts.split_at(3500);
    let tmp = TempDir::new("sklearn");
    let vcases = vectorizer_cases();
    let mcases = metric_cases();
    let cases = json!({
        "fit": fit,
        "eval": eval,
        "vectorizers": vcases.iter().map(|(name, c)| json!({
            "name": name, "lowercase": c.lowercase, "min_token_chars": c.min_token_chars, "ngram_range": c.ngram_range,
            "min_df": c.min_df, "max_df": c.max_df, "max_features": c.max_features,
        })).collect::<Vec<_>>(),
        "metrics": mcases.iter().map(|(name, t, p, l)| json!({"name": name, "y_true": t, "y_pred": p, "labels": l})).collect::<Vec<_>>(),
    });
    let input = tmp.path().join("cases.json");
    std::fs::write(&input, cases.to_string()).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/sklearn_reference.py");
    let out = std::process::Command::new(&py).arg(script).arg(&input).output().expect("cannot run the reference python");
    assert!(out.status.success(), "sklearn_reference.py failed: {}", String::from_utf8_lossy(&out.stderr));
    let answers: Value = serde_json::from_slice(&out.stdout).unwrap();
    eprintln!("compared with scikit-learn {}", answers["sklearn_version"]);
    for (name, cfg) in &vcases {
        check_vectorizer(name, cfg, &answers["vectorizers"][*name], fit, eval);
    }
    for (name, t, p, labels) in &mcases {
        check_metrics(name, t, p, labels.as_deref(), &answers["metrics"][name.as_str()]);
    }
}
