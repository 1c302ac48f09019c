//! Writer → reader round trips, damaged files, files in other tools' forms, and (with RLAB_TB_PYTHON set)
//! a cross-check against TensorBoard's own Python reader and writer.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

use prost::Message;
use rlab_tensorboard::proto::{
    Event, PluginData, Summary, SummaryMetadata, SummaryValue, TensorProto, TensorShapeProto,
};
use rlab_tensorboard::{find_event_files, read_event_file, EventWriter, ScalarPoint};

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        static N: AtomicU64 = AtomicU64::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("rlab-tb-{name}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Values exactly representable as f32, including awkward ones.
fn value(tag: usize, step: i64) -> f64 {
    match step % 7 {
        0 => 0.0,
        1 => -((step as f32) * 1.25e-3) as f64,
        2 => f32::MAX as f64,
        3 => f32::MIN_POSITIVE as f64,
        _ => ((step as f32 * 0.37 + tag as f32).sin() * 1000.0) as f64,
    }
}

/// TFRecord framing written independently of the library.
fn frame(payload: &[u8]) -> Vec<u8> {
    #[allow(clippy::manual_rotate)] // the formula as the format documents it
    let masked = |d: &[u8]| {
        let c = crc32c::crc32c(d);
        ((c >> 15) | (c << 17)).wrapping_add(0xa282_ead8)
    };
    let len = (payload.len() as u64).to_le_bytes();
    let mut out = len.to_vec();
    out.extend_from_slice(&masked(&len).to_le_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&masked(payload).to_le_bytes());
    out
}

#[test]
fn scalars_and_texts_round_trip_exactly() {
    let dir = TempDir::new("roundtrip");
    let mut w = EventWriter::create(&dir.0).unwrap();
    let tags: Vec<String> = (0..12)
        .map(|i| format!("group{}/metric_{i}", i % 3))
        .collect();
    for step in 0..300i64 {
        for (t, tag) in tags.iter().enumerate() {
            w.add_scalar_at(tag, value(t, step), step * 10, 1.7e9 + step as f64 * 0.125)
                .unwrap();
        }
    }
    let texts = [
        "",
        "plain",
        "# Markdown\n\n* ünïcødé ✓\n* `code`",
        "tab\tand\r\nCRLF",
    ];
    for (i, text) in texts.iter().enumerate() {
        w.add_text("notes", text, i as i64).unwrap();
    }
    w.add_text("config", "lr = 3e-4", 0).unwrap();
    w.flush().unwrap();

    let data = read_event_file(w.path()).unwrap();
    assert_eq!(data.warning, None);
    assert_eq!(data.path, w.path());
    assert_eq!(data.scalars.len(), tags.len());
    for (t, tag) in tags.iter().enumerate() {
        let want: Vec<ScalarPoint> = (0..300i64)
            .map(|step| ScalarPoint {
                step: step * 10,
                wall_time: 1.7e9 + step as f64 * 0.125,
                value: value(t, step),
            })
            .collect();
        assert_eq!(data.scalars[tag], want, "tag {tag}");
    }
    let want_notes: Vec<(i64, String)> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| (i as i64, t.to_string()))
        .collect();
    assert_eq!(data.texts["notes"], want_notes);
    assert_eq!(data.texts["config"], vec![(0, "lr = 3e-4".to_string())]);
    assert_eq!(data.texts.len(), 2);
}

#[test]
fn scalars_are_stored_as_f32_and_wall_time_is_now() {
    let dir = TempDir::new("f32");
    let mut w = EventWriter::create(&dir.0).unwrap();
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    w.add_scalar("x", 0.1, -5).unwrap();
    w.add_scalar("x", f64::NAN, 1).unwrap();
    w.add_scalar("x", f64::NEG_INFINITY, 2).unwrap();
    w.flush().unwrap();
    let pts = &read_event_file(w.path()).unwrap().scalars["x"];
    assert_eq!(pts[0].value, 0.1f32 as f64);
    assert_eq!(pts[0].step, -5);
    assert!(pts[0].wall_time >= before - 1.0 && pts[0].wall_time < before + 60.0);
    assert!(pts[1].value.is_nan());
    assert_eq!(pts[2].value, f64::NEG_INFINITY);
}

#[test]
fn file_starts_with_file_version_and_drop_flushes() {
    let dir = TempDir::new("version");
    let path = {
        let mut w = EventWriter::create(&dir.0).unwrap();
        w.add_scalar("a", 1.0, 0).unwrap();
        w.path().to_path_buf()
    };
    let bytes = fs::read(&path).unwrap();
    let len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let first = Event::decode(&bytes[12..12 + len]).unwrap();
    assert_eq!(first.file_version.as_deref(), Some("brain.Event:2"));
    assert_eq!(read_event_file(&path).unwrap().scalars["a"][0].value, 1.0);
}

#[test]
fn writers_created_back_to_back_get_distinct_files() {
    let dir = TempDir::new("unique");
    let nested = dir.0.join("run/a/b");
    let mut writers: Vec<EventWriter> = (0..3)
        .map(|_| EventWriter::create(&dir.0).unwrap())
        .collect();
    writers.push(EventWriter::create(&nested).unwrap());
    for (i, w) in writers.iter_mut().enumerate() {
        w.add_scalar("i", i as f64, 0).unwrap();
        w.flush().unwrap();
        let name = w.path().file_name().unwrap().to_string_lossy().into_owned();
        let pid = std::process::id().to_string();
        let parts: Vec<&str> = name.split('.').collect();
        assert!(name.starts_with("events.out.tfevents."), "{name}");
        assert_eq!(parts[parts.len() - 2], pid, "{name}");
        assert!(parts[parts.len() - 1].parse::<u64>().is_ok(), "{name}");
    }
    let mut paths: Vec<PathBuf> = writers.iter().map(|w| w.path().to_path_buf()).collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), 4);
    for (i, w) in writers.iter().enumerate() {
        assert_eq!(
            read_event_file(w.path()).unwrap().scalars["i"][0].value,
            i as f64
        );
    }
    fs::write(dir.0.join("run/not-an-event-file.txt"), "x").unwrap();
    assert_eq!(find_event_files(&dir.0).unwrap(), paths);
    assert_eq!(find_event_files(&paths[0]).unwrap(), vec![paths[0].clone()]);
    assert!(find_event_files(&dir.0.join("missing")).is_err());
}

/// Writes `n` scalar events after the version record; returns the path and each scalar record's start offset.
fn file_with_records(dir: &Path, n: i64) -> (PathBuf, Vec<u64>) {
    let mut w = EventWriter::create(dir).unwrap();
    let mut offsets = Vec::new();
    for step in 0..n {
        w.flush().unwrap();
        offsets.push(fs::metadata(w.path()).unwrap().len());
        w.add_scalar_at("loss", step as f64, step, 100.0 + step as f64)
            .unwrap();
    }
    w.flush().unwrap();
    (w.path().to_path_buf(), offsets)
}

#[test]
fn truncated_file_reads_events_before_the_cut() {
    let dir = TempDir::new("trunc");
    let (path, offsets) = file_with_records(&dir.0, 20);
    let full = fs::read(&path).unwrap();
    let last = *offsets.last().unwrap();
    for cut in [last + 3, last + 12 + 5, full.len() as u64 - 2] {
        fs::write(&path, &full[..cut as usize]).unwrap();
        let data = read_event_file(&path).unwrap();
        let steps: Vec<i64> = data.scalars["loss"].iter().map(|p| p.step).collect();
        assert_eq!(steps, (0..19).collect::<Vec<_>>());
        let warning = data.warning.expect("warning");
        assert!(
            warning.starts_with(&format!(
                "{}: damaged record at byte {last} (",
                path.display()
            )),
            "{warning}"
        );
        // 1 file_version event + 19 scalar events.
        assert!(warning.ends_with("; read 20 events before it"), "{warning}");
    }
}

#[test]
fn flipped_bytes_give_crc_warnings() {
    let dir = TempDir::new("flip");
    let (path, offsets) = file_with_records(&dir.0, 10);
    let full = fs::read(&path).unwrap();
    let at = offsets[4];

    let mut bad = full.clone();
    bad[at as usize + 12 + 3] ^= 0x40; // inside the payload
    fs::write(&path, &bad).unwrap();
    let data = read_event_file(&path).unwrap();
    assert_eq!(data.scalars["loss"].len(), 4);
    let warning = data.warning.unwrap();
    assert!(
        warning.contains(&format!(
            "damaged record at byte {at} (bad data CRC); read 5 events before it"
        )),
        "{warning}"
    );

    let mut bad = full.clone();
    bad[at as usize] ^= 0x01; // the length
    fs::write(&path, &bad).unwrap();
    let warning = read_event_file(&path).unwrap().warning.unwrap();
    assert!(
        warning.contains(&format!("damaged record at byte {at} (bad length CRC)")),
        "{warning}"
    );
}

#[test]
fn undecodable_payload_with_good_crcs_is_reported() {
    let dir = TempDir::new("garbage");
    let (path, _) = file_with_records(&dir.0, 3);
    let at = fs::metadata(&path).unwrap().len();
    let mut f = fs::OpenOptions::new().append(true).open(&path).unwrap();
    f.write_all(&frame(&[0xff; 7])).unwrap();
    f.write_all(&frame(
        &Event {
            step: 99,
            ..Default::default()
        }
        .encode_to_vec(),
    ))
    .unwrap();
    drop(f);
    let data = read_event_file(&path).unwrap();
    assert_eq!(data.scalars["loss"].len(), 3);
    let warning = data.warning.unwrap();
    assert!(
        warning.contains(&format!(
            "damaged record at byte {at} (undecodable protobuf"
        )),
        "{warning}"
    );
    assert!(warning.ends_with("read 4 events before it"), "{warning}");
}

#[test]
fn empty_and_missing_files() {
    let dir = TempDir::new("empty");
    let path = dir.0.join("events.out.tfevents.0.h.1.0");
    fs::write(&path, b"").unwrap();
    let data = read_event_file(&path).unwrap();
    assert!(data.scalars.is_empty() && data.texts.is_empty() && data.warning.is_none());
    assert!(read_event_file(&dir.0.join("nope")).is_err());
}

fn plugin(name: &str) -> Option<SummaryMetadata> {
    Some(SummaryMetadata {
        plugin_data: Some(PluginData {
            plugin_name: name.into(),
            content: vec![],
        }),
        ..Default::default()
    })
}

fn tensor_event(
    step: i64,
    tag: &str,
    tensor: TensorProto,
    metadata: Option<SummaryMetadata>,
) -> Vec<u8> {
    let value = SummaryValue {
        tag: tag.into(),
        tensor: Some(tensor),
        metadata,
        ..Default::default()
    };
    frame(
        &Event {
            wall_time: 5.0,
            step,
            summary: Some(Summary { value: vec![value] }),
            ..Default::default()
        }
        .encode_to_vec(),
    )
}

#[test]
fn reads_tensor_scalars_of_other_writers() {
    let dir = TempDir::new("foreign");
    let path = dir.0.join("events.out.tfevents.1.other");
    let scalar_shape = Some(TensorShapeProto::default());
    let mut bytes = frame(
        &Event {
            file_version: Some("brain.Event:2".into()),
            ..Default::default()
        }
        .encode_to_vec(),
    );
    for step in 0..3 {
        // Metadata only with the first value of a tag, as TensorFlow's writer does.
        let first = |name: &str| if step == 0 { plugin(name) } else { None };
        let f = TensorProto {
            dtype: 1,
            tensor_shape: scalar_shape.clone(),
            float_val: vec![step as f32 + 0.5],
            ..Default::default()
        };
        bytes.extend(tensor_event(step, "float_val", f, first("scalars")));
        let d = TensorProto {
            dtype: 2,
            tensor_shape: scalar_shape.clone(),
            double_val: vec![step as f64 / 3.0],
            ..Default::default()
        };
        bytes.extend(tensor_event(step, "double_val", d, first("scalars")));
        let c = TensorProto {
            dtype: 1,
            tensor_shape: Some(TensorShapeProto {
                dim: vec![rlab_tensorboard::proto::TensorShapeDim {
                    size: 1,
                    name: String::new(),
                }],
                unknown_rank: false,
            }),
            tensor_content: (step as f32 * -2.0).to_le_bytes().to_vec(),
            ..Default::default()
        };
        bytes.extend(tensor_event(step, "content_f32", c, first("scalars")));
        let c = TensorProto {
            dtype: 2,
            tensor_content: (step as f64 * 1e100).to_le_bytes().to_vec(),
            ..Default::default()
        };
        bytes.extend(tensor_event(step, "content_f64", c, first("scalars")));
        // Not scalars: no plugin, another plugin, several elements.
        let f = TensorProto {
            dtype: 1,
            float_val: vec![1.0],
            ..Default::default()
        };
        bytes.extend(tensor_event(step, "no_plugin", f.clone(), None));
        bytes.extend(tensor_event(step, "histo", f, first("histograms")));
        let v = TensorProto {
            dtype: 1,
            tensor_shape: Some(TensorShapeProto {
                dim: vec![rlab_tensorboard::proto::TensorShapeDim {
                    size: 2,
                    name: String::new(),
                }],
                unknown_rank: false,
            }),
            float_val: vec![1.0, 2.0],
            ..Default::default()
        };
        bytes.extend(tensor_event(step, "vector", v, first("scalars")));
        let s = TensorProto {
            dtype: 7,
            string_val: vec![b"a".to_vec(), b"b".to_vec()],
            ..Default::default()
        };
        bytes.extend(tensor_event(step, "table", s, first("text")));
    }
    fs::write(&path, bytes).unwrap();
    let data = read_event_file(&path).unwrap();
    assert_eq!(data.warning, None);
    let values = |tag: &str| {
        data.scalars[tag]
            .iter()
            .map(|p| (p.step, p.value))
            .collect::<Vec<_>>()
    };
    assert_eq!(values("float_val"), vec![(0, 0.5), (1, 1.5), (2, 2.5)]);
    assert_eq!(
        values("double_val"),
        vec![(0, 0.0), (1, 1.0 / 3.0), (2, 2.0 / 3.0)]
    );
    assert_eq!(values("content_f32"), vec![(0, 0.0), (1, -2.0), (2, -4.0)]);
    assert_eq!(
        values("content_f64"),
        vec![(0, 0.0), (1, 1e100), (2, 2e100)]
    );
    assert_eq!(
        data.scalars.keys().collect::<Vec<_>>(),
        ["content_f32", "content_f64", "double_val", "float_val"]
    );
    assert_eq!(
        data.texts["table"],
        vec![
            (0, "a\nb".to_string()),
            (1, "a\nb".to_string()),
            (2, "a\nb".to_string())
        ]
    );
}

/// Cross-checks against TensorBoard's Python package. Runs only when RLAB_TB_PYTHON names an interpreter
/// that has `pip install -r scripts/requirements-tensorboard.txt`.
#[test]
fn python_tensorboard_cross_check() {
    let Some(python) = std::env::var_os("RLAB_TB_PYTHON") else {
        println!("skipped the Python TensorBoard check: RLAB_TB_PYTHON is not set");
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/check_tensorboard.py");

    // 1. Our file, read by TensorBoard's EventAccumulator.
    let dir = TempDir::new("py-read");
    let events = dir.0.join("events");
    let mut w = EventWriter::create(&events).unwrap();
    let mut scalars = serde_json::Map::new();
    for (t, tag) in ["train/loss", "train/return", "eval/return", "zero"]
        .iter()
        .enumerate()
    {
        let mut pts = Vec::new();
        for step in 0..100i64 {
            let v = if *tag == "zero" { 0.0 } else { value(t, step) };
            w.add_scalar(tag, v, step * 7).unwrap();
            pts.push(serde_json::json!([step * 7, v]));
        }
        scalars.insert(tag.to_string(), pts.into());
    }
    let texts = [
        (0i64, "# config\n\nlr = `3e-4`, γ = 0.99"),
        (50, "second entry ✓"),
    ];
    for (step, text) in texts {
        w.add_text("run/notes", text, step).unwrap();
    }
    w.flush().unwrap();
    drop(w);
    let expected = serde_json::json!({ "scalars": scalars, "texts": { "run/notes": texts } });
    let expected_path = dir.0.join("expected.json");
    fs::write(
        &expected_path,
        serde_json::to_vec_pretty(&expected).unwrap(),
    )
    .unwrap();
    let out = Command::new(&python)
        .arg(&script)
        .arg(&events)
        .arg(&expected_path)
        .output()
        .unwrap();
    println!("{}", String::from_utf8_lossy(&out.stdout));
    assert!(
        out.status.success(),
        "check_tensorboard.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("tensorboard check: 5 tags, 402 points match"));

    // The check must notice a one-ulp difference in a value and a wrong text.
    let mut wrong = expected.clone();
    let v = wrong["scalars"]["train/return"][5][1].as_f64().unwrap() as f32;
    wrong["scalars"]["train/return"][5][1] =
        serde_json::json!(f32::from_bits(v.to_bits() + 1) as f64);
    fs::write(&expected_path, serde_json::to_vec(&wrong).unwrap()).unwrap();
    let out = Command::new(&python)
        .arg(&script)
        .arg(&events)
        .arg(&expected_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("scalar 'train/return' point 5"),
        "{out:?}"
    );
    let mut wrong = expected.clone();
    wrong["texts"]["run/notes"][1][1] = serde_json::json!("other");
    fs::write(&expected_path, serde_json::to_vec(&wrong).unwrap()).unwrap();
    let out = Command::new(&python)
        .arg(&script)
        .arg(&events)
        .arg(&expected_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("text 'run/notes'"),
        "{out:?}"
    );

    // 2. A file written by TensorBoard's own Python writer, read by us.
    let py_dir = dir.0.join("py-written");
    let snippet = r#"
import sys
import numpy as np
from tensorboard.compat.proto import event_pb2, summary_pb2, types_pb2
from tensorboard.plugins.scalar import metadata as scalar_metadata
from tensorboard.plugins.text import metadata as text_metadata
from tensorboard.summary.writer.event_file_writer import EventFileWriter
from tensorboard.util import tensor_util

w = EventFileWriter(sys.argv[1])
def add(step, value):
    w.add_event(event_pb2.Event(wall_time=1000.0 + step, step=step, summary=summary_pb2.Summary(value=[value])))
V = summary_pb2.Summary.Value
for step in range(10):
    add(step, V(tag="py/simple", simple_value=step * 0.5))
    md = scalar_metadata.create_summary_metadata(display_name="f", description="") if step == 0 else None
    add(step, V(tag="py/tensor_float", metadata=md, tensor=tensor_util.make_tensor_proto(np.float32(step * 0.25))))
    md = scalar_metadata.create_summary_metadata(display_name="d", description="")
    add(step, V(tag="py/tensor_double", metadata=md, tensor=tensor_util.make_tensor_proto(np.float64(step / 3.0))))
    content = tensor_util.make_tensor_proto(np.float32(0))
    content.ClearField("float_val")
    content.tensor_content = np.float32(-step).tobytes()
    add(step, V(tag="py/tensor_content", metadata=md, tensor=content))
    md = text_metadata.create_summary_metadata(display_name="t", description="")
    add(step, V(tag="py/text", metadata=md, tensor=tensor_util.make_tensor_proto("step %d: héllo" % step)))
w.close()
"#;
    let out = Command::new(&python)
        .arg("-c")
        .arg(snippet)
        .arg(&py_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python writer failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files = find_event_files(&py_dir).unwrap();
    assert_eq!(files.len(), 1, "{files:?}");
    let data = read_event_file(&files[0]).unwrap();
    assert_eq!(data.warning, None);
    let values = |tag: &str| {
        data.scalars[tag]
            .iter()
            .map(|p| (p.step, p.value))
            .collect::<Vec<_>>()
    };
    let steps = 0..10i64;
    assert_eq!(
        values("py/simple"),
        steps
            .clone()
            .map(|s| (s, s as f64 * 0.5))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        values("py/tensor_float"),
        steps
            .clone()
            .map(|s| (s, s as f64 * 0.25))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        values("py/tensor_double"),
        steps
            .clone()
            .map(|s| (s, s as f64 / 3.0))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        values("py/tensor_content"),
        steps.clone().map(|s| (s, -(s as f64))).collect::<Vec<_>>()
    );
    assert_eq!(data.scalars.len(), 4);
    assert_eq!(data.scalars["py/simple"][3].wall_time, 1003.0);
    let want_text: Vec<(i64, String)> = steps.map(|s| (s, format!("step {s}: héllo"))).collect();
    assert_eq!(data.texts["py/text"], want_text);
    println!(
        "read {} scalar tags and 1 text tag written by TensorBoard's Python writer",
        data.scalars.len()
    );
}
