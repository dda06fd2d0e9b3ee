//! Version ordering per ecosystem: each OSV range is evaluated with the ordering of the
//! ecosystem it names (or SemVer 2.0 for `SEMVER` ranges).
//!
//! Every scheme parses a version string into a key with a total order; a string the scheme
//! cannot read gives `None`, and the caller treats it as "cannot decide" rather than guessing.

mod composer;
mod maven;
mod nuget;
mod pep440;
mod rubygems;
mod semverish;

pub use composer::ComposerVersion;
pub use maven::MavenVersion;
pub use nuget::NuGetVersion;
pub use pep440::Pep440Version;
pub use rubygems::GemVersion;

use crate::lockfile::Ecosystem;
use std::cmp::Ordering;

/// A version ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// SemVer 2.0 precedence (tolerates a `v`/`=` prefix, fills a missing minor/patch with 0,
    /// ignores build metadata). Used for OSV `SEMVER` ranges, crates.io and npm.
    SemVer,
    /// Go module versions: SemVer with a `v` prefix; `+incompatible` is ignored for ordering,
    /// pseudo-versions order as the pre-releases they are.
    Go,
    /// PEP 440 (PyPI).
    Pep440,
    /// Maven's `ComparableVersion`.
    Maven,
    /// RubyGems' `Gem::Version`.
    RubyGems,
    /// Composer's normalised versions (Packagist).
    Composer,
    /// NuGet versions (SemVer 2.0 with a fourth number and case-insensitive labels).
    NuGet,
}

impl Scheme {
    /// The ordering OSV `ECOSYSTEM` ranges use for an ecosystem.
    pub fn for_ecosystem(eco: Ecosystem) -> Scheme {
        match eco {
            Ecosystem::CratesIo | Ecosystem::Npm => Scheme::SemVer,
            Ecosystem::Go => Scheme::Go,
            Ecosystem::PyPI => Scheme::Pep440,
            Ecosystem::Maven => Scheme::Maven,
            Ecosystem::RubyGems => Scheme::RubyGems,
            Ecosystem::Packagist => Scheme::Composer,
            Ecosystem::NuGet => Scheme::NuGet,
        }
    }

    /// Parse `v` under this scheme.
    pub fn parse(self, v: &str) -> Option<VersionKey> {
        Some(match self {
            Scheme::SemVer => VersionKey::SemVer(semverish::parse(v, false)?),
            Scheme::Go => VersionKey::SemVer(semverish::parse(v, true)?),
            Scheme::Pep440 => VersionKey::Pep440(Pep440Version::parse(v)?),
            Scheme::Maven => VersionKey::Maven(MavenVersion::parse(v)?),
            Scheme::RubyGems => VersionKey::Gem(GemVersion::parse(v)?),
            Scheme::Composer => VersionKey::Composer(ComposerVersion::parse(v)?),
            Scheme::NuGet => VersionKey::NuGet(NuGetVersion::parse(v)?),
        })
    }

    /// Compare two version strings; `None` when either cannot be parsed.
    pub fn compare(self, a: &str, b: &str) -> Option<Ordering> {
        let (a, b) = (self.parse(a)?, self.parse(b)?);
        a.partial_cmp(&b)
    }
}

/// A parsed version. Keys of the same scheme are totally ordered; keys of different schemes
/// are incomparable (`partial_cmp` gives `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionKey {
    SemVer(semver::Version),
    Pep440(Pep440Version),
    Maven(MavenVersion),
    Gem(GemVersion),
    Composer(ComposerVersion),
    NuGet(NuGetVersion),
}

impl PartialOrd for VersionKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        use VersionKey::*;
        match (self, other) {
            (SemVer(a), SemVer(b)) => Some(a.cmp(b)),
            (Pep440(a), Pep440(b)) => Some(a.cmp(b)),
            (Maven(a), Maven(b)) => Some(a.cmp(b)),
            (Gem(a), Gem(b)) => Some(a.cmp(b)),
            (Composer(a), Composer(b)) => Some(a.cmp(b)),
            (NuGet(a), NuGet(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

/// Compare two decimal digit strings numerically, without overflow.
pub(crate) fn cmp_digits(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}
