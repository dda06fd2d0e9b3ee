//! Matching resolved packages against the advisory database with each ecosystem's version
//! semantics (see [`crate::version`]).
//!
//! Per OSV: an explicit `versions` list is authoritative for exact matches; each range's
//! events are sorted by version and the last event at or below the installed version decides
//! (`introduced` opens, `fixed` closes at that version, `last_affected` closes after it);
//! `limit` events bound the range from above. A range whose events cannot be parsed under the
//! ecosystem's ordering is skipped rather than guessed. Withdrawn records never reach the store.

use crate::lockfile::{Lockfile, Package};
use crate::osv::{Affected, Event, RangeKind, SeverityInfo};
use crate::store::AdvisoryDb;
use crate::version::{Scheme, VersionKey};
use serde::Serialize;
use std::cmp::Ordering;

/// One vulnerable package.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VulnMatch {
    pub package: Package,
    /// The lockfile the package came from (empty when matched from bare packages).
    pub lockfile_path: String,
    pub advisory_id: String,
    /// Other ids of the same vulnerability (CVE, GHSA, …).
    pub aliases: Vec<String>,
    pub summary: String,
    pub severity: Option<SeverityInfo>,
    /// The lowest fixed version above the installed one, if the advisory names one.
    pub fixed: Option<String>,
    /// RustSec informational kind (`unmaintained`, `unsound`, `notice`); `None` for a vulnerability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub informational: Option<String>,
}

/// Whether a range covers `v`, and the fixed versions above `v` it names.
enum Verdict {
    Affected,
    NotAffected,
    Unknown,
}

fn range_scheme(kind: RangeKind, eco_scheme: Scheme) -> Scheme {
    match (kind, eco_scheme) {
        (RangeKind::SemVer, Scheme::Go) => Scheme::Go,
        (RangeKind::SemVer, _) => Scheme::SemVer,
        (RangeKind::Ecosystem, s) => s,
    }
}

fn event_version(e: &Event) -> &str {
    match e {
        Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
    }
}

fn eval_range(
    events: &[Event],
    scheme: Scheme,
    v: &VersionKey,
    fixed_above: &mut Vec<(VersionKey, String)>,
) -> Verdict {
    // (key, event); `None` key = the "0" introduced, below everything.
    let mut parsed: Vec<(Option<VersionKey>, &Event)> = Vec::with_capacity(events.len());
    for e in events {
        let raw = event_version(e);
        if matches!(e, Event::Introduced(_)) && raw == "0" {
            parsed.push((None, e));
            continue;
        }
        match scheme.parse(raw) {
            Some(k) => parsed.push((Some(k), e)),
            None => return Verdict::Unknown,
        }
    }
    let below = |k: &Option<VersionKey>, inclusive: bool| match k {
        None => true,
        Some(k) => match k.partial_cmp(v) {
            Some(Ordering::Less) => true,
            Some(Ordering::Equal) => inclusive,
            _ => false,
        },
    };
    let limits: Vec<&Option<VersionKey>> = parsed
        .iter()
        .filter(|(_, e)| matches!(e, Event::Limit(_)))
        .map(|(k, _)| k)
        .collect();
    if !limits.is_empty() && !limits.iter().any(|k| !below(k, true)) {
        return Verdict::NotAffected;
    }
    parsed.sort_by(|a, b| match (&a.0, &b.0) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
    });
    let mut affected = false;
    for (k, e) in &parsed {
        match e {
            Event::Introduced(_) if below(k, true) => affected = true,
            Event::Fixed(_) if below(k, true) => affected = false,
            Event::LastAffected(_) if below(k, false) => affected = false,
            _ => {}
        }
    }
    if affected {
        for (k, e) in parsed {
            if let (Some(k), Event::Fixed(raw)) = (k, e)
                && k.partial_cmp(v) == Some(Ordering::Greater)
            {
                fixed_above.push((k, raw.clone()));
            }
        }
        Verdict::Affected
    } else {
        Verdict::NotAffected
    }
}

/// Whether `aff` covers `version` under `scheme`; fills the fixed versions above it.
fn affects(
    aff: &Affected,
    version: &str,
    scheme: Scheme,
    key: Option<&VersionKey>,
    fixed_above: &mut Vec<(VersionKey, String)>,
) -> bool {
    let mut in_range = false;
    if let Some(key) = key {
        for r in &aff.ranges {
            let rs = range_scheme(r.kind, scheme);
            let owned;
            let k = if rs == scheme {
                key
            } else {
                match rs.parse(version) {
                    Some(k) => {
                        owned = k;
                        &owned
                    }
                    None => continue,
                }
            };
            if let Verdict::Affected = eval_range(&r.events, rs, k, fixed_above) {
                in_range = true;
            }
        }
    }
    if in_range {
        return true;
    }
    let listed = is_listed(aff, version, scheme, key);
    if listed {
        // Versions-only advisories: collect fixed versions from ranges anyway, if any.
        if let Some(key) = key {
            for r in &aff.ranges {
                for e in &r.events {
                    if let Event::Fixed(raw) = e
                        && let Some(fk) = scheme
                            .parse(raw)
                            .filter(|fk| fk.partial_cmp(key) == Some(Ordering::Greater))
                    {
                        fixed_above.push((fk, raw.clone()));
                    }
                }
            }
        }
    }
    listed
}

/// The leading number of a version (`v` prefix and leading zeros ignored), used to skip
/// parsing listed versions that cannot be equal to the installed one.
fn leading_number(v: &str) -> &str {
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let end = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let n = v[..end].trim_start_matches('0');
    if n.is_empty() && end > 0 { "0" } else { n }
}

/// Whether `version` is in the explicit `versions` list: as written, or equal under the
/// ecosystem's ordering (`3.2` lists `3.2.0`).
fn is_listed(aff: &Affected, version: &str, scheme: Scheme, key: Option<&VersionKey>) -> bool {
    if aff.versions().any(|lv| lv == version) {
        return true;
    }
    let Some(key) = key else { return false };
    let lead = leading_number(version);
    // Equal versions share their leading number in every supported scheme except PEP 440
    // epochs (`0!1.0` = `1.0`), which are rare enough to parse whenever `!` appears.
    aff.versions().any(|lv| {
        (leading_number(lv) == lead || lv.contains('!'))
            && scheme
                .parse(lv)
                .is_some_and(|l| l.partial_cmp(key) == Some(Ordering::Equal))
    })
}

impl AdvisoryDb {
    /// Advisories affecting each package. `lockfile_path` is left empty; use
    /// [`AdvisoryDb::matches_lockfile`] to have it filled.
    pub fn matches(&self, packages: &[Package]) -> Vec<VulnMatch> {
        self.matches_with_path(packages, "")
    }

    /// Advisories affecting the packages of a parsed lockfile.
    pub fn matches_lockfile(&self, lockfile: &Lockfile) -> Vec<VulnMatch> {
        self.matches_with_path(&lockfile.packages, &lockfile.path)
    }

    fn matches_with_path(&self, packages: &[Package], path: &str) -> Vec<VulnMatch> {
        let mut out = Vec::new();
        for pkg in packages {
            let Some(by_name) = self.index.get(&pkg.ecosystem) else {
                continue;
            };
            let name = pkg.ecosystem.normalize_name(&pkg.name);
            let Some(hits) = by_name.get(&name) else {
                continue;
            };
            let scheme = Scheme::for_ecosystem(pkg.ecosystem);
            let key = scheme.parse(&pkg.version);
            let mut seen: Vec<u32> = Vec::new();
            for &(ai, fi) in hits {
                if seen.contains(&ai) {
                    continue;
                }
                seen.push(ai);
                let Some(adv) = self.advisories.get(ai as usize) else {
                    continue;
                };
                // All affected entries of this advisory for this package.
                let mut fixed_above = Vec::new();
                let mut hit = false;
                for aff in adv.affected.iter().skip(fi as usize) {
                    if aff.ecosystem == pkg.ecosystem && aff.name == name {
                        hit |= affects(aff, &pkg.version, scheme, key.as_ref(), &mut fixed_above);
                    }
                }
                if !hit {
                    continue;
                }
                let fixed = fixed_above
                    .into_iter()
                    .min_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(Ordering::Equal))
                    .map(|(_, raw)| raw);
                out.push(VulnMatch {
                    package: pkg.clone(),
                    lockfile_path: path.to_string(),
                    advisory_id: adv.id.clone(),
                    aliases: adv.aliases.clone(),
                    summary: adv.summary.clone(),
                    severity: adv.severity.clone(),
                    fixed,
                    informational: adv.informational.clone(),
                });
            }
        }
        out
    }
}
