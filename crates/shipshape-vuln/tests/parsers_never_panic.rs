//! Property tests: every lockfile parser returns `Ok` or a `ParseError` — never panics — on
//! arbitrary text, on near-miss variants of valid files, and every version scheme parses and
//! compares arbitrary strings without panicking (and consistently).

use proptest::prelude::*;
use shipshape_vuln::version::Scheme;
use shipshape_vuln::{LockfileKind, parse};

const SEEDS: [(LockfileKind, &str); 15] = [
    (
        LockfileKind::CargoLock,
        "version = 3\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"registry+x\"\ndependencies = [\"b 1.0\"]\n",
    ),
    (
        LockfileKind::PackageLockJson,
        "{\"lockfileVersion\": 3, \"packages\": {\"\": {\"dependencies\": {\"a\": \"1\"}}, \"node_modules/a\": {\"version\": \"1.0.0\"}}}",
    ),
    (
        LockfileKind::NpmShrinkwrap,
        "{\"lockfileVersion\": 1, \"dependencies\": {\"a\": {\"version\": \"1.0.0\", \"dependencies\": {\"b\": {\"version\": \"2.0.0\"}}}}}",
    ),
    (
        LockfileKind::YarnLock,
        "a@^1:\n  version \"1.0.0\"\n  dependencies:\n    b \"^2\"\n\n\"@s/b@npm:^2\":\n  version: 2.0.0\n  resolution: \"@s/b@npm:2.0.0\"\n",
    ),
    (
        LockfileKind::PnpmLock,
        "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a:\n        version: 1.0.0\npackages:\n  a@1.0.0:\n    resolution: {integrity: x}\n",
    ),
    (
        LockfileKind::PoetryLock,
        "[[package]]\nname = \"a\"\nversion = \"1.0\"\n[package.source]\ntype = \"legacy\"\n",
    ),
    (
        LockfileKind::UvLock,
        "version = 1\n[[package]]\nname = \"a\"\nversion = \"1.0\"\nsource = { registry = \"x\" }\n",
    ),
    (
        LockfileKind::PipfileLock,
        "{\"default\": {\"a\": {\"version\": \"==1.0\"}}, \"develop\": {}}",
    ),
    (
        LockfileKind::Requirements,
        "a==1.0 \\\n  --hash=sha256:00\nb[x]>=2 ; python_version<'3'\n-r other.txt\n",
    ),
    (
        LockfileKind::GoMod,
        "module m\nrequire (\n\ta v1.0.0 // indirect\n)\nreplace a => b v1.1.0\n",
    ),
    (
        LockfileKind::GemfileLock,
        "GEM\n  remote: x\n  specs:\n    a (1.0.0)\n      b (>= 1)\n\nDEPENDENCIES\n  a!\n",
    ),
    (
        LockfileKind::ComposerLock,
        "{\"packages\": [{\"name\": \"a/b\", \"version\": \"v1.0.0\"}], \"packages-dev\": []}",
    ),
    (
        LockfileKind::GradleLockfile,
        "# x\ng:a:1.0=compileClasspath\nempty=\n",
    ),
    (
        LockfileKind::MavenPom,
        "<project><properties><v>1</v></properties><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>${v}</version></dependency></dependencies></project>",
    ),
    (
        LockfileKind::NuGetPackagesLock,
        "{\"version\": 1, \"dependencies\": {\"net6.0\": {\"A\": {\"type\": \"Direct\", \"resolved\": \"1.0.0\"}}}}",
    ),
];

fn check(kind: LockfileKind, text: &str) {
    match parse(kind, "lock", text) {
        Ok(lf) => {
            let lines = u32::try_from(text.lines().count().max(1)).unwrap_or(u32::MAX);
            for p in &lf.packages {
                assert!(
                    p.line >= 1 && p.line <= lines,
                    "{kind}: line {} of {lines}",
                    p.line
                );
            }
        }
        Err(e) => {
            assert!(e.line >= 1);
            assert!(e.to_string().starts_with("lock:"), "{e}");
        }
    }
}

#[test]
fn seeds_parse_with_packages() {
    for (kind, text) in SEEDS {
        let lf = parse(kind, "lock", text).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(!lf.packages.is_empty(), "{kind}: no packages");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text(idx in 0usize..15, text in "\\PC*") {
        check(SEEDS[idx].0, &text);
    }

    #[test]
    fn arbitrary_bytes_as_lossy_text(idx in 0usize..15, bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check(SEEDS[idx].0, &String::from_utf8_lossy(&bytes));
    }

    /// Mutations of valid files: cut, insert or replace a slice — the near-misses a real
    /// corrupted or hand-edited lockfile looks like.
    #[test]
    fn mutated_seeds(idx in 0usize..15, at in any::<prop::sample::Index>(), len in 0usize..12, insert in "[\\[\\]{}\"':=\\n ,@/a-z0-9.\\-#(]{0,8}") {
        let (kind, seed) = SEEDS[idx];
        let chars: Vec<char> = seed.chars().collect();
        let start = at.index(chars.len() + 1);
        let end = (start + len).min(chars.len());
        let mut s: String = chars[..start].iter().collect();
        s.push_str(&insert);
        s.extend(&chars[end..]);
        check(kind, &s);
    }

    #[test]
    fn version_schemes_never_panic_and_are_antisymmetric(a in "[0-9a-zA-Z.+!_\\-]{0,20}", b in "[0-9a-zA-Z.+!_\\-]{0,20}") {
        for scheme in [Scheme::SemVer, Scheme::Go, Scheme::Pep440, Scheme::Maven, Scheme::RubyGems, Scheme::Composer, Scheme::NuGet] {
            let ab = scheme.compare(&a, &b);
            let ba = scheme.compare(&b, &a);
            prop_assert_eq!(ab, ba.map(std::cmp::Ordering::reverse), "{:?} {} {}", scheme, a, b);
        }
    }
}
