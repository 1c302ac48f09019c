//! Tabular data: numeric feature columns and one target column.

use std::path::Path;

use anyhow::{bail, Result};

use super::csv_rows::{for_each_record, number};

#[derive(Clone, Debug)]
pub struct Table {
    pub feature_names: Vec<String>,
    /// Row-major, `n_rows × feature_names.len()`.
    pub features: Vec<f32>,
    /// The target column's raw values, one per row.
    pub target: Vec<String>,
}

impl Table {
    pub fn n_rows(&self) -> usize {
        self.target.len()
    }

    pub fn n_features(&self) -> usize {
        self.feature_names.len()
    }
}

/// A CSV file with a header; `target` names the target column, every other column is a number.
pub fn load_csv(path: &Path, target: &str) -> Result<Table> {
    let mut names: Vec<String> = Vec::new();
    let mut target_col = 0;
    let mut t = Table { feature_names: Vec::new(), features: Vec::new(), target: Vec::new() };
    for_each_record(path, true, |r| {
        if r.is_header {
            names = r.fields.iter().map(|h| h.trim().to_string()).collect();
            target_col = match names.iter().position(|h| h == target) {
                Some(c) => c,
                None => bail!("{}: no column named '{target}' (columns: {})", path.display(), shorten(&names)),
            };
            if names.len() < 2 {
                bail!("{}: needs at least one feature column besides the target '{target}'", path.display());
            }
            return Ok(());
        }
        for (c, raw) in r.fields.iter().enumerate() {
                if c == target_col {
                    let v = raw.trim();
                    if v.is_empty() {
                        bail!("{}:{}: the target '{target}' is empty", path.display(), r.line);
                    }
                    t.target.push(v.to_string());
                } else {
                    t.features.push(number(raw, path, r.line, &names[c])?);
                }
            }
            Ok(())
    })?;
    if t.target.is_empty() {
        bail!("{}: a header but no rows", path.display());
    }
    t.feature_names = names.into_iter().enumerate().filter(|(c, _)| *c != target_col).map(|(_, n)| n).collect();
    Ok(t)
}

/// Rows of features to predict on, in the order of `names`. With a header, columns are matched
/// by name (others, such as a target, are ignored); without one (the first row is all numbers)
/// each row must hold exactly the features, in training order.
pub fn load_features(path: &Path, names: &[String]) -> Result<Vec<Vec<f32>>> {
    let mut order: Option<Vec<usize>> = None;
    let mut rows = Vec::new();
    let mut first = true;
    for_each_record(path, false, |r| {
            if first {
                first = false;
                let numeric = r.fields.iter().all(|f| f.trim().parse::<f32>().is_ok());
                if !numeric {
                    let header: Vec<&str> = r.fields.iter().map(str::trim).collect();
                    let mut cols = Vec::new();
                    for n in names {
                        match header.iter().position(|h| h == n) {
                            Some(c) => cols.push(c),
                            None => bail!("{}: no column named '{n}', a feature the model was trained on", path.display()),
                        }
                    }
                    order = Some(cols);
                    return Ok(());
                }
                if r.fields.len() != names.len() {
                    bail!("{}:{}: {} values, but the model takes {} features", path.display(), r.line, r.fields.len(), names.len());
                }
            }
            let row = match &order {
                Some(cols) => cols.iter().zip(names).map(|(&c, n)| number(&r.fields[c], path, r.line, n)).collect::<Result<Vec<f32>>>()?,
                None => r.fields.iter().zip(names).map(|(f, n)| number(f, path, r.line, n)).collect::<Result<Vec<f32>>>()?,
            };
            rows.push(row);
            Ok(())
    })?;
    if rows.is_empty() {
        bail!("{}: no rows to predict", path.display());
    }
    Ok(rows)
}

fn shorten(names: &[String]) -> String {
    let mut s = names.iter().take(8).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > 8 {
        s += &format!(", … {} more", names.len() - 8);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("rlab-table-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn loads_features_and_target_by_name() {
        let p = file("ok.csv", "a,label,b\n1,yes,2\n3,no,4.5\n");
        let t = load_csv(&p, "label").unwrap();
        assert_eq!(t.feature_names, ["a", "b"]);
        assert_eq!(t.features, [1.0, 2.0, 3.0, 4.5]);
        assert_eq!(t.target, ["yes", "no"]);
    }

    #[test]
    fn errors_name_the_file_line_and_column() {
        let e = |text: &str, target: &str| load_csv(&file("bad.csv", text), target).unwrap_err().to_string();
        assert!(e("a,y\n1,0\n2,1\n", "z").contains("no column named 'z'"));
        assert!(e("a,y\n1,0\nx,1\n", "y").contains("bad.csv:3: column 'a': 'x' is not a finite number"));
        assert!(e("a,y\n1,0\n2\n", "y").contains("bad.csv:3: expected 2 fields"));
        assert!(e("a,y\n1,0\n,1\n", "y").contains("bad.csv:3: column 'a' is empty"));
        assert!(e("a,y\n", "y").contains("no rows"));
        assert!(e("", "y").contains("empty"));
    }

    #[test]
    fn prediction_rows_by_header_or_position() {
        let names = vec!["a".to_string(), "b".to_string()];
        assert_eq!(load_features(&file("h.csv", "b,x,a\n2,9,1\n"), &names).unwrap(), vec![vec![1.0, 2.0]]);
        assert_eq!(load_features(&file("n.csv", "1,2\n3,4\n"), &names).unwrap(), vec![vec![1.0, 2.0], vec![3.0, 4.0]]);
        assert!(load_features(&file("w.csv", "1,2,3\n"), &names).unwrap_err().to_string().contains("3 values"));
        assert!(load_features(&file("m.csv", "a,c\n1,2\n"), &names).unwrap_err().to_string().contains("'b'"));
    }
}
