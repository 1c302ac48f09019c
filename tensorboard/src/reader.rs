//! Reading scalars and texts back from event files, including ones written by other tools.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use prost::Message;

use crate::error::TbError;
use crate::proto::{Event, TensorProto, DT_DOUBLE, DT_FLOAT, DT_STRING};
use crate::record::{RecordError, RecordReader};

/// One scalar data point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScalarPoint {
    pub step: i64,
    /// Seconds since the Unix epoch.
    pub wall_time: f64,
    pub value: f64,
}

/// What [`read_event_file`] found in one file. Points are in file order (steps may repeat or go backwards
/// if the writer did so).
#[derive(Debug, Clone, PartialEq)]
pub struct EventFileData {
    pub path: PathBuf,
    pub scalars: BTreeMap<String, Vec<ScalarPoint>>,
    /// `(step, text)` per tag. A text tensor with several strings is joined with `\n`.
    pub texts: BTreeMap<String, Vec<(i64, String)>>,
    /// Set when the file is damaged or cut short: what was read before the damage is kept above.
    pub warning: Option<String>,
}

/// Reads one event file.
///
/// Scalars are taken from `simple_value`, and from tensors of one `DT_FLOAT`/`DT_DOUBLE` element (in
/// `float_val`, `double_val` or `tensor_content`) whose tag has plugin name `"scalars"`; texts from
/// `DT_STRING` tensors whose tag has plugin name `"text"`. As in TensorBoard, a tag's plugin is the one in
/// the first metadata seen for it (writers may send metadata only with a tag's first value). Other
/// summaries (histograms, images, ...) are skipped.
///
/// A truncated or corrupt file (bad length CRC, bad data CRC, short read, undecodable protobuf) is read up
/// to the damage, and `warning` says `"FILE: damaged record at byte OFFSET (reason); read N events before
/// it"`. Only a failure to open or read the file is an error.
pub fn read_event_file(path: &Path) -> Result<EventFileData, TbError> {
    let file = File::open(path).map_err(|e| TbError::io(path, e))?;
    let mut records = RecordReader::new(BufReader::new(file));
    let mut data = EventFileData {
        path: path.to_path_buf(),
        scalars: BTreeMap::new(),
        texts: BTreeMap::new(),
        warning: None,
    };
    let mut plugins: HashMap<String, String> = HashMap::new();
    let mut events = 0u64;
    loop {
        let (offset, reason) = match records.next_record() {
            Ok(None) => break,
            Ok(Some(payload)) => match Event::decode(payload.as_slice()) {
                Ok(event) => {
                    add_event(&mut data, &mut plugins, event);
                    events += 1;
                    continue;
                }
                // The reader has moved past this record; report the record's start.
                Err(e) => (
                    records.offset() - (payload.len() as u64 + 16),
                    format!("undecodable protobuf: {e}"),
                ),
            },
            Err(RecordError::Damaged { offset, reason }) => (offset, reason),
            Err(RecordError::Io(e)) => return Err(TbError::io(path, e)),
        };
        data.warning = Some(format!(
            "{}: damaged record at byte {offset} ({reason}); read {events} events before it",
            path.display()
        ));
        break;
    }
    Ok(data)
}

fn add_event(data: &mut EventFileData, plugins: &mut HashMap<String, String>, event: Event) {
    let Some(summary) = event.summary else { return };
    for value in summary.value {
        let tag = if value.tag.is_empty() {
            value.node_name
        } else {
            value.tag
        };
        if let Some(plugin) = value
            .metadata
            .and_then(|m| m.plugin_data)
            .map(|p| p.plugin_name)
        {
            if !plugin.is_empty() {
                plugins.entry(tag.clone()).or_insert(plugin);
            }
        }
        let point = |value: f64| ScalarPoint {
            step: event.step,
            wall_time: event.wall_time,
            value,
        };
        if let Some(v) = value.simple_value {
            data.scalars.entry(tag).or_default().push(point(v as f64));
        } else if let Some(tensor) = value.tensor {
            match plugins.get(&tag).map(String::as_str) {
                Some("scalars") => {
                    if let Some(v) = tensor_scalar(&tensor) {
                        data.scalars.entry(tag).or_default().push(point(v));
                    }
                }
                Some("text") if tensor.dtype == DT_STRING => {
                    let strings: Vec<String> = tensor
                        .string_val
                        .iter()
                        .map(|s| String::from_utf8_lossy(s).into_owned())
                        .collect();
                    data.texts
                        .entry(tag)
                        .or_default()
                        .push((event.step, strings.join("\n")));
                }
                _ => {}
            }
        }
    }
}

/// The value of a one-element float or double tensor.
fn tensor_scalar(t: &TensorProto) -> Option<f64> {
    if let Some(shape) = &t.tensor_shape {
        if !shape.dim.iter().all(|d| d.size == 1) {
            return None;
        }
    }
    match t.dtype {
        DT_FLOAT => match t.float_val.first() {
            Some(v) => Some(*v as f64),
            None => <[u8; 4]>::try_from(t.tensor_content.as_slice())
                .ok()
                .map(|b| f32::from_le_bytes(b) as f64),
        },
        DT_DOUBLE => match t.double_val.first() {
            Some(v) => Some(*v),
            None => <[u8; 8]>::try_from(t.tensor_content.as_slice())
                .ok()
                .map(f64::from_le_bytes),
        },
        _ => None,
    }
}

/// Finds event files (file name contains `"tfevents"`) under `root`, recursively, sorted by path.
/// Symbolic links to files are included; symbolic links to directories are not followed. If `root` is
/// itself such a file, it is the only result.
pub fn find_event_files(root: &Path) -> Result<Vec<PathBuf>, TbError> {
    let meta = std::fs::metadata(root).map_err(|e| TbError::io(root, e))?;
    let mut found = Vec::new();
    if meta.is_dir() {
        walk(root, &mut found)?;
    } else if is_event_file_name(root) {
        found.push(root.to_path_buf());
    }
    found.sort();
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), TbError> {
    for entry in std::fs::read_dir(dir).map_err(|e| TbError::io(dir, e))? {
        let entry = entry.map_err(|e| TbError::io(dir, e))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| TbError::io(&path, e))?;
        if kind.is_dir() {
            walk(&path, found)?;
        } else if is_event_file_name(&path) && path.is_file() {
            found.push(path);
        }
    }
    Ok(())
}

fn is_event_file_name(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().contains("tfevents"))
}
