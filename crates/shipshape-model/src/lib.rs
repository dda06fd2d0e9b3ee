//! The report model shared by every part of shipshape.
//!
//! `scan` and `probe` both produce a [`Report`]; the server stores it and the
//! reporters render it. This crate depends on serde alone: it must never read
//! the disk, the network, the clock or the environment, so that a report means
//! the same thing wherever it is built or rendered.

pub mod eol;
mod finding;
mod report;
mod score;
mod taxonomy;

pub use eol::{Eol, EolCycle, EolData, EolProduct};
pub use finding::{CheckInfo, CheckResult, Finding, Location, Outcome, Scope, WaiverNote};
pub use report::{
    ChangeScope, Diagnostic, DiagnosticLevel, GateOutcome, Report, ReportStats, Rollup,
    SCHEMA_VERSION, ToolInfo, Unit, UnitChange, UnitKind, UnitReport,
};
pub use score::{AreaScore, Level, Scores, level_for_tier, score_unit};
pub use taxonomy::{Area, ParseError, Severity};
