//! Version-ordering tables per ecosystem: each row is a chain `a < b < c …` that the
//! ecosystem's own tool orders that way (PEP 440 / packaging, Maven ComparableVersion,
//! Gem::Version, SemVer 2.0 §11, Go modules, Composer, NuGet).

use shipshape_vuln::version::Scheme;
use std::cmp::Ordering;

fn assert_chain(scheme: Scheme, chain: &[&str]) {
    for w in chain.windows(2) {
        assert_eq!(
            scheme.compare(w[0], w[1]),
            Some(Ordering::Less),
            "{scheme:?}: expected {} < {}",
            w[0],
            w[1]
        );
        assert_eq!(
            scheme.compare(w[1], w[0]),
            Some(Ordering::Greater),
            "{scheme:?}: {} > {}",
            w[1],
            w[0]
        );
    }
}

fn assert_equal(scheme: Scheme, a: &str, b: &str) {
    assert_eq!(
        scheme.compare(a, b),
        Some(Ordering::Equal),
        "{scheme:?}: {a} == {b}"
    );
}

#[test]
fn semver() {
    // SemVer 2.0 §11 example chain.
    assert_chain(
        Scheme::SemVer,
        &[
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.10.0",
        ],
    );
    assert_equal(Scheme::SemVer, "v1.2.3", "1.2.3");
    assert_equal(Scheme::SemVer, "1.2", "1.2.0");
    assert_equal(Scheme::SemVer, "1.0.0+build.5", "1.0.0");
    assert_eq!(Scheme::SemVer.parse("1.2.3.4"), None);
    assert_eq!(Scheme::SemVer.parse("latest"), None);
}

#[test]
fn go_modules() {
    assert_chain(
        Scheme::Go,
        &[
            "v0.0.0-20200301022130-244492dfa37a",
            "v0.0.0-20210226172049-e18ecbb05110",
            "v0.1.0",
            "v1.9.0-rc.1",
            "v1.9.0",
            "v2.0.0+incompatible",
            "v20.10.0+incompatible",
        ],
    );
    // OSV writes Go versions without the `v`; +incompatible does not change precedence.
    assert_equal(Scheme::Go, "v2.0.0+incompatible", "2.0.0");
    // A pseudo-version derived from v1.2.3 (v1.2.4-0.…) sorts between v1.2.3 and v1.2.4.
    assert_chain(
        Scheme::Go,
        &["v1.2.3", "v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4"],
    );
}

#[test]
fn pep440() {
    assert_chain(
        Scheme::Pep440,
        &[
            "1.0.dev1",
            "1.0a1",
            "1.0a2.dev1",
            "1.0a2",
            "1.0b1",
            "1.0rc1",
            "1.0",
            "1.0+local.1",
            "1.0.post1.dev1",
            "1.0.post1",
            "1.1",
            "2.0",
            "1!0.1",
        ],
    );
    assert_chain(Scheme::Pep440, &["1.0", "1.0.post1"]);
    assert_chain(Scheme::Pep440, &["2.0", "1!0.1"]);
    assert_chain(Scheme::Pep440, &["1.0.dev1", "1.0a1", "1.0"]);
    assert_equal(Scheme::Pep440, "1.0", "1.0.0");
    assert_equal(Scheme::Pep440, "1.0alpha1", "1.0a1");
    assert_equal(Scheme::Pep440, "1.0-1", "1.0.post1");
    assert_equal(Scheme::Pep440, "1.0c1", "1.0rc1");
    assert_equal(Scheme::Pep440, "v2.10", "2.10.0");
    assert_chain(Scheme::Pep440, &["1.0+abc", "1.0+abc.5", "1.0+5"]);
    assert_chain(Scheme::Pep440, &["2.9", "2.10", "2.10.1"]);
    assert_eq!(Scheme::Pep440.parse("1.0-foo"), None);
    assert_eq!(Scheme::Pep440.parse("dev"), None);
}

#[test]
fn maven() {
    assert_chain(Scheme::Maven, &["1.0-SNAPSHOT", "1.0"]);
    assert_chain(
        Scheme::Maven,
        &[
            "1.0-alpha",
            "1.0-beta",
            "1.0-milestone",
            "1.0-rc",
            "1.0-SNAPSHOT",
            "1.0",
            "1.0-sp",
            "1.0-foo",
            "1.0.1",
        ],
    );
    assert_chain(Scheme::Maven, &["1.0.0-alpha", "1.0.0-alpha.1"]);
    assert_chain(
        Scheme::Maven,
        &["1.0-alpha1", "1.0-alpha2", "1.0-alpha10", "1.0-beta1"],
    );
    assert_chain(Scheme::Maven, &["2.9.10.7", "2.9.10.8", "2.10.0"]);
    // Unknown qualifiers sort after the release in ComparableVersion (Jackson's `.pr1`
    // pre-releases really do order after 2.10.0 in Maven).
    assert_chain(Scheme::Maven, &["2.10.0", "2.10.0.pr1", "2.10.1"]);
    assert_chain(Scheme::Maven, &["2.14.1", "2.15.0", "2.16.0", "2.17.1"]);
    assert_equal(Scheme::Maven, "1.0", "1.0.0");
    assert_equal(Scheme::Maven, "1.0-ga", "1.0");
    assert_equal(Scheme::Maven, "1.0.Final", "1.0");
    assert_equal(Scheme::Maven, "1.0-cr1", "1.0-rc1");
    assert_equal(Scheme::Maven, "1a1", "1-alpha-1");
}

#[test]
fn rubygems() {
    assert_chain(Scheme::RubyGems, &["1.0.a", "1.0"]);
    assert_chain(
        Scheme::RubyGems,
        &["1.0.a", "1.0.b1", "1.0.rc1", "1.0", "1.0.1", "1.1"],
    );
    assert_chain(
        Scheme::RubyGems,
        &["5.2.4.2", "5.2.4.3", "6.0.0.rc1", "6.0.0"],
    );
    assert_chain(Scheme::RubyGems, &["1.9", "1.10"]);
    assert_equal(Scheme::RubyGems, "1.0.0", "1");
    assert_equal(Scheme::RubyGems, "1.0-1", "1.0.pre.1");
}

#[test]
fn composer() {
    assert_chain(
        Scheme::Composer,
        &[
            "1.0.0-dev",
            "1.0.0-alpha1",
            "1.0.0-beta2",
            "1.0.0-RC1",
            "1.0.0",
            "1.0.0-p1",
            "1.0.1",
        ],
    );
    assert_chain(Scheme::Composer, &["4.4.0", "v4.4.13", "5.0.0"]);
    assert_equal(Scheme::Composer, "v1.2", "1.2.0.0");
    assert_eq!(Scheme::Composer.parse("dev-main"), None);
}

#[test]
fn nuget() {
    assert_chain(
        Scheme::NuGet,
        &[
            "1.0.0-alpha",
            "1.0.0-Beta",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.0.1",
            "1.0.1",
            "13.0.1",
        ],
    );
    assert_equal(Scheme::NuGet, "1.0", "1.0.0.0");
    assert_equal(Scheme::NuGet, "1.0.0-RC.1", "1.0.0-rc.1");
    assert_equal(Scheme::NuGet, "1.0.0+meta", "1.0.0");
}

#[test]
fn different_schemes_do_not_compare() {
    let a = Scheme::Pep440.parse("1.0").unwrap();
    let b = Scheme::Maven.parse("1.0").unwrap();
    assert_eq!(a.partial_cmp(&b), None);
}
