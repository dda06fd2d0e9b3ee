//! Lenient SemVer 2.0 parsing for OSV `SEMVER` ranges, crates.io, npm and Go.

/// Parse a SemVer version, tolerating a `v`/`V`/`=` prefix and a missing minor or patch
/// number (`1.2` → `1.2.0`). Build metadata is dropped because SemVer precedence ignores it
/// (this also makes Go's `+incompatible` irrelevant to ordering). With `go`, a version
/// without the `v` prefix is still accepted, since OSV strips it.
pub(super) fn parse(v: &str, _go: bool) -> Option<semver::Version> {
    let v = v.trim();
    let v = v.strip_prefix('=').unwrap_or(v).trim_start();
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let mut parsed = match semver::Version::parse(v) {
        Ok(p) => p,
        Err(_) => {
            let split = v.find(['-', '+']).unwrap_or(v.len());
            let (core, tail) = v.split_at(split);
            let n = core.split('.').count();
            if n == 0
                || n > 2
                || core
                    .split('.')
                    .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
            {
                return None;
            }
            let padded = format!("{core}{}{tail}", ".0".repeat(3 - n));
            semver::Version::parse(&padded).ok()?
        }
    };
    parsed.build = semver::BuildMetadata::EMPTY;
    Some(parsed)
}
