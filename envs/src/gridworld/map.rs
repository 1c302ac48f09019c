//! Grid-world maps: a small text format, parsed with errors that name the file and line.
//!
//! ```text
//! ; name = GridExample-v0      header lines start with ';' and read `key = value` (or `key: value`)
//! ; step_reward = -0.01        reward for a step that does not enter a goal or hazard (default -0.01)
//! ; goal_reward = 1.0          reward for the step that enters a goal (default 1.0)
//! ; hazard_reward = -1.0       reward for the step that enters a hazard (default -1.0)
//! ; slip = 0.0                 probability that a move goes sideways instead (default 0)
//! ; max_steps = 100            time limit used by the registry (default: 4 x shortest path, >= 20)
//! #######
//! #S..#G#
//! #.#...#
//! #...X.#
//! #######
//! ```
//! Cells: `#` wall, `.` empty, `S` start (exactly one), `G` goal (at least one), `X` hazard.
//! Goals and hazards are terminal. Rows must all have the same width; cells outside the grid
//! count as walls, so a border of `#` is optional. `;` lines may appear anywhere. A `;` line
//! without `=`/`:`, or whose key is not a single word, is a free comment; a one-word key that
//! is not one of the above is an error (it is most likely a typo). `name` and `description`
//! are free text. Blank lines are allowed before and after the grid, not inside it. At least
//! one goal must be reachable from the start.
//!
//! Errors about one cell or header give that line; errors about the whole map (no `S`, no
//! reachable goal) give the line of the grid's first row.

use std::collections::VecDeque;
use std::path::Path;

use crate::env::EnvError;

/// What occupies one grid cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Wall,
    Empty,
    Start,
    Goal,
    Hazard,
}

impl Cell {
    fn parse(c: char) -> Option<Cell> {
        Some(match c {
            '#' => Cell::Wall,
            '.' => Cell::Empty,
            'S' => Cell::Start,
            'G' => Cell::Goal,
            'X' => Cell::Hazard,
            _ => return None,
        })
    }

    /// The map character of this cell.
    pub fn symbol(self) -> char {
        match self {
            Cell::Wall => '#',
            Cell::Empty => '.',
            Cell::Start => 'S',
            Cell::Goal => 'G',
            Cell::Hazard => 'X',
        }
    }

    /// Goals and hazards end the episode when entered.
    pub fn is_terminal(self) -> bool {
        matches!(self, Cell::Goal | Cell::Hazard)
    }
}

/// A parsed map. Cells are indexed row-major: `cell = row * width + col`.
#[derive(Clone, Debug, PartialEq)]
pub struct GridMap {
    pub name: String,
    pub description: String,
    pub width: usize,
    pub height: usize,
    pub cells: Vec<Cell>,
    pub start: usize,
    pub step_reward: f64,
    pub goal_reward: f64,
    pub hazard_reward: f64,
    pub slip: f64,
    /// From the header; `None` means "use the default" ([`GridMap::default_max_steps`]).
    pub max_steps: Option<usize>,
    /// Fewest moves from the start to a goal, ignoring slip.
    pub shortest_path: usize,
}

const KEYS: [&str; 7] = [
    "name",
    "description",
    "step_reward",
    "goal_reward",
    "hazard_reward",
    "slip",
    "max_steps",
];

impl GridMap {
    /// Parse map text; `source` (a path or registered name) is used in error messages and as the
    /// default name.
    pub fn parse(text: &str, source: &str) -> Result<GridMap, EnvError> {
        let err = |line: usize, msg: String| EnvError::BadMap {
            file: source.to_string(),
            line,
            msg,
        };
        let mut map = GridMap {
            name: default_name(source),
            description: String::new(),
            width: 0,
            height: 0,
            cells: Vec::new(),
            start: 0,
            step_reward: -0.01,
            goal_reward: 1.0,
            hazard_reward: -1.0,
            slip: 0.0,
            max_steps: None,
            shortest_path: 0,
        };
        let mut first_row_line = 0;
        let mut blank_after_rows = None;
        let mut start = None;
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = raw.trim_end();
            if let Some(header) = line.strip_prefix(';') {
                parse_header(&mut map, header).map_err(|m| err(line_no, m))?;
                continue;
            }
            if line.is_empty() {
                if map.height > 0 && blank_after_rows.is_none() {
                    blank_after_rows = Some(line_no);
                }
                continue;
            }
            if let Some(blank) = blank_after_rows {
                return Err(err(blank, "blank line inside the grid".into()));
            }
            let mut width = 0;
            for (col, ch) in line.chars().enumerate() {
                let cell = Cell::parse(ch).ok_or_else(|| {
                    err(
                        line_no,
                        format!(
                            "unknown cell {ch:?} at column {} (expected one of # . S G X)",
                            col + 1
                        ),
                    )
                })?;
                if cell == Cell::Start {
                    if let Some((_, prev)) = start {
                        return Err(err(
                            line_no,
                            format!("a second start 'S' (the first is on line {prev})"),
                        ));
                    }
                    start = Some((map.cells.len(), line_no));
                }
                map.cells.push(cell);
                width += 1;
            }
            if map.height == 0 {
                map.width = width;
                first_row_line = line_no;
            } else if width != map.width {
                return Err(err(
                    line_no,
                    format!(
                        "row has width {width}, the first row (line {first_row_line}) has {}",
                        map.width
                    ),
                ));
            }
            map.height += 1;
        }
        if map.height == 0 {
            return Err(err(text.lines().count().max(1), "no grid rows".into()));
        }
        let (start, _) = start.ok_or_else(|| err(first_row_line, "no start cell 'S'".into()))?;
        map.start = start;
        if !map.cells.contains(&Cell::Goal) {
            return Err(err(first_row_line, "no goal cell 'G'".into()));
        }
        map.shortest_path = map
            .shortest_path_from(start)
            .ok_or_else(|| err(first_row_line, "no goal is reachable from the start".into()))?;
        Ok(map)
    }

    /// Read and parse a map file.
    pub fn from_path(path: &Path) -> Result<GridMap, EnvError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| EnvError::Io {
            path: shown.clone(),
            msg: e.to_string(),
        })?;
        GridMap::parse(&text, &shown)
    }

    /// The registry's time limit when the header has none: 4 x the shortest path, at least 20.
    pub fn default_max_steps(&self) -> usize {
        (4 * self.shortest_path).max(20)
    }

    /// `(row, col)` of a cell index.
    pub fn row_col(&self, cell: usize) -> (usize, usize) {
        (cell / self.width, cell % self.width)
    }

    /// The cell reached by moving one step in `direction` (0 up, 1 right, 2 down, 3 left);
    /// walls and the edge of the grid leave the agent where it is.
    pub fn neighbour(&self, cell: usize, direction: usize) -> usize {
        let (r, c) = self.row_col(cell);
        let target = match direction {
            0 if r > 0 => Some(cell - self.width),
            1 if c + 1 < self.width => Some(cell + 1),
            2 if r + 1 < self.height => Some(cell + self.width),
            3 if c > 0 => Some(cell - 1),
            _ => None,
        };
        match target {
            Some(t) if self.cells[t] != Cell::Wall => t,
            _ => cell,
        }
    }

    /// Breadth-first search over deterministic moves; terminal cells are not passed through.
    fn shortest_path_from(&self, start: usize) -> Option<usize> {
        let mut dist = vec![usize::MAX; self.cells.len()];
        let mut queue = VecDeque::from([start]);
        dist[start] = 0;
        while let Some(cell) = queue.pop_front() {
            if self.cells[cell] == Cell::Goal {
                return Some(dist[cell]);
            }
            if self.cells[cell].is_terminal() {
                continue;
            }
            for d in 0..4 {
                let next = self.neighbour(cell, d);
                if dist[next] == usize::MAX {
                    dist[next] = dist[cell] + 1;
                    queue.push_back(next);
                }
            }
        }
        None
    }
}

fn default_name(source: &str) -> String {
    Path::new(source)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| source.to_string())
}

fn parse_header(map: &mut GridMap, header: &str) -> Result<(), String> {
    let Some(sep) = header.find(['=', ':']) else {
        return Ok(()); // a comment
    };
    let key = header[..sep].trim();
    let value = header[sep + 1..].trim();
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Ok(()); // prose that happens to contain ':' or '='
    }
    let number = |what: &str| -> Result<f64, String> {
        value
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("{what} must be a finite number, got {value:?}"))
    };
    match key {
        "name" => map.name = value.to_string(),
        "description" => map.description = value.to_string(),
        "step_reward" => map.step_reward = number(key)?,
        "goal_reward" => map.goal_reward = number(key)?,
        "hazard_reward" => map.hazard_reward = number(key)?,
        "slip" => {
            let s = number(key)?;
            if !(0.0..=1.0).contains(&s) {
                return Err(format!("slip must be in [0, 1], got {s}"));
            }
            map.slip = s;
        }
        "max_steps" => match value.parse::<usize>() {
            Ok(n) if n > 0 => map.max_steps = Some(n),
            _ => {
                return Err(format!(
                    "max_steps must be a positive integer, got {value:?}"
                ))
            }
        },
        _ => {
            return Err(format!(
                "unknown header key {key:?} (known: {})",
                KEYS.join(", ")
            ))
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(text: &str) -> (usize, String) {
        match GridMap::parse(text, "maps/test.txt") {
            Err(EnvError::BadMap { file, line, msg }) => {
                assert_eq!(file, "maps/test.txt");
                (line, msg)
            }
            other => panic!("expected BadMap, got {other:?}"),
        }
    }

    #[test]
    fn parses_headers_and_cells() {
        let text = "; name = Tiny-v0\n; a free comment: with a colon and words\n;step_reward: -0.5\n; slip = 0.25\n; max_steps = 7\n\n#####\n#S.G#\n#X..#\n#####\n\n";
        let m = GridMap::parse(text, "tiny.txt").unwrap();
        assert_eq!((m.name.as_str(), m.width, m.height), ("Tiny-v0", 5, 4));
        assert_eq!(
            (m.step_reward, m.goal_reward, m.hazard_reward, m.slip),
            (-0.5, 1.0, -1.0, 0.25)
        );
        assert_eq!(m.max_steps, Some(7));
        assert_eq!(m.start, 6);
        assert_eq!(m.cells[8], Cell::Goal);
        assert_eq!(m.cells[11], Cell::Hazard);
        assert_eq!(m.shortest_path, 2);
        assert_eq!(m.default_max_steps(), 20);
        assert_eq!(
            GridMap::parse("S.G", "dir/corridor.txt").unwrap().name,
            "corridor"
        );
    }

    #[test]
    fn walls_and_edges_block_moves() {
        let m = GridMap::parse("S.#\n..G", "t").unwrap();
        assert_eq!(m.neighbour(0, 0), 0, "edge above");
        assert_eq!(m.neighbour(0, 3), 0, "edge left");
        assert_eq!(m.neighbour(1, 1), 1, "wall to the right");
        assert_eq!(m.neighbour(1, 2), 4);
        assert_eq!(m.neighbour(0, 1), 1);
        assert_eq!(m.neighbour(4, 1), 5);
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(bad("; x\n###\n#S#G#\n").0, 3);
        assert!(bad("; x\n###\n#S#G#\n").1.contains("width 5"));
        let (line, msg) = bad("#S.\n#.?G\n");
        assert_eq!(line, 2);
        assert!(msg.contains("'?'") && msg.contains("column 3"), "{msg}");
        assert_eq!(
            bad("S..\nS.G\n"),
            (2, "a second start 'S' (the first is on line 1)".into())
        );
        assert_eq!(bad("\n\n...\n..G\n").0, 3, "no start: first grid line");
        assert!(bad("S..\n...\n").1.contains("no goal"));
        assert!(bad("S#G\n").1.contains("reachable"));
        assert!(
            bad("SXG\n").1.contains("reachable"),
            "hazards are not passed through"
        );
        assert_eq!(bad("S..\n\n..G\n").0, 2);
        assert_eq!(
            bad("; slip = 1.5\nSG\n"),
            (1, "slip must be in [0, 1], got 1.5".into())
        );
        assert_eq!(bad("SG\n; max_steps = 0\n").0, 2);
        assert!(bad("; step_reward = abc\nSG").1.contains("finite number"));
        assert!(bad("; slp = 0.1\nSG")
            .1
            .contains("unknown header key \"slp\""));
        assert_eq!(bad("; only comments\n").1, "no grid rows");
    }

    #[test]
    fn missing_file_is_an_io_error() {
        let e = GridMap::from_path(Path::new("/nonexistent/map.txt")).unwrap_err();
        assert!(matches!(e, EnvError::Io { .. }));
        assert!(e
            .to_string()
            .starts_with("cannot read /nonexistent/map.txt"));
    }
}
