//! End-of-life data from [endoflife.date](https://endoflife.date): an importer for the
//! release data in the YAML front matter of its `products/*.md` files, and the compact
//! store (`<dir>/eol.json`, beside the advisories) that scans load.
//!
//! [`import_dir`], [`load`] and [`save`] touch the disk; [`parse_product`] is pure. A file
//! that cannot be read as product data is an error naming the file when the product ships
//! a container image we know, and is reported and skipped otherwise (the data set has
//! hundreds of products a base-image check never looks at).

use serde::{Deserialize, Deserializer, Serialize};
use shipshape_model::eol::parse_date;
use shipshape_model::{Eol, EolCycle, EolData, EolProduct};
use std::path::{Path, PathBuf};

/// The store's file name inside the database directory.
pub const EOL_FILE: &str = "eol.json";
/// Version of the store file format.
pub const EOL_FORMAT: u32 = 1;
/// Product files larger than this are refused (the largest upstream one is ~60 KiB).
const MAX_PRODUCT_BYTES: u64 = 4 * 1024 * 1024;

/// Official Docker Hub images of endoflife.date products whose data does not name them
/// with a `pkg:docker/library/<image>` identifier (those that do are mapped from the
/// data itself). Names only: every date comes from the imported data.
const IMAGES: &[(&str, &[&str])] = &[
    ("alpine-linux", &["alpine"]),
    ("almalinux", &["almalinux"]),
    ("apache-http-server", &["httpd"]),
    ("centos", &["centos"]),
    ("debian", &["debian"]),
    ("eclipse-temurin", &["eclipse-temurin"]),
    ("elasticsearch", &["elasticsearch"]),
    ("fedora", &["fedora"]),
    ("go", &["golang"]),
    ("haproxy", &["haproxy"]),
    ("mongodb", &["mongo"]),
    ("mysql", &["mysql"]),
    ("nginx", &["nginx"]),
    ("nodejs", &["node"]),
    // The deprecated `openjdk` image shipped Oracle's OpenJDK builds (jdk.java.net).
    ("openjdk-builds-from-oracle", &["openjdk"]),
    ("perl", &["perl"]),
    ("php", &["php"]),
    ("postgresql", &["postgres"]),
    ("python", &["python"]),
    ("rabbitmq", &["rabbitmq"]),
    ("redis", &["redis"]),
    ("rocky-linux", &["rockylinux"]),
    ("ruby", &["ruby"]),
    ("tomcat", &["tomcat"]),
    ("ubuntu", &["ubuntu"]),
];

/// Products whose extended support reaches their official images at no cost: Debian LTS
/// publishes to the same security archive the `debian` images (and every `-bookworm`
/// style variant of other images) install from, so for them the end of extended support
/// (`eoes`) is the end of life. Elsewhere `eoes` is paid support (Ubuntu ESM through
/// Ubuntu Pro, vendor contracts) that a public image does not get, and `eol` counts.
const FREE_EXTENDED_SUPPORT: &[&str] = &["debian"];

/// An import or store operation that failed; each message names the file and the fix.
#[derive(Debug, thiserror::Error)]
pub enum EolError {
    #[error("could not read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "could not write {path}: {source}; check that the directory is writable or pass another with --db / SHIPSHAPE_DB"
    )]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Product { path: String, message: String },
    #[error(
        "{path}: no endoflife.date product files (products/*.md) found; pass a checkout of https://github.com/endoflife-date/endoflife.date or its products/ directory"
    )]
    NoProducts { path: String },
    #[error(
        "{path} is not a valid end-of-life store ({message}); run `shipshape db import-eol DIR` again"
    )]
    Corrupt { path: String, message: String },
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EolImportStats {
    /// Product files read.
    pub files: usize,
    /// Products stored (those shipping an official image).
    pub products: usize,
    /// Release cycles stored.
    pub cycles: usize,
    /// Files skipped as unreadable product data: (file, why). Never a mapped product.
    pub skipped: Vec<(String, String)>,
}

/// What `shipshape db status` says about the end-of-life data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EolStatus {
    pub products: usize,
    pub cycles: usize,
    pub bytes: u64,
    pub imported_at: u64,
    pub age_days: f64,
}

/// A YAML scalar read as text (`3.10` unquoted stays `3.1` — upstream quotes its cycles).
enum Scalar {
    Text(String),
    Bool(bool),
    /// A mapping, sequence or null: not a value we use.
    Other,
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a scalar")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<Scalar, E> {
                Ok(Scalar::Other)
            }
            fn visit_none<E>(self) -> Result<Scalar, E> {
                Ok(Scalar::Other)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Scalar, D2::Error> {
                Scalar::deserialize(d)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Scalar, A::Error> {
                while a.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Scalar, A::Error> {
                while a
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Scalar::Other)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
struct FrontMatter {
    #[serde(default)]
    identifiers: Vec<Identifier>,
    #[serde(default)]
    releases: Vec<Release>,
}

#[derive(Deserialize)]
struct Identifier {
    #[serde(default)]
    purl: Option<Scalar>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Release {
    release_cycle: Option<Scalar>,
    #[serde(default)]
    codename: Option<Scalar>,
    #[serde(default)]
    release_date: Option<Scalar>,
    #[serde(default)]
    eol: Option<Scalar>,
    #[serde(default)]
    eoes: Option<Scalar>,
}

/// The front matter of a Markdown file: the text between a first line `---` and the
/// next line `---`.
fn front_matter(text: &str) -> Option<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut at = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some(&rest[..at]);
        }
        at += line.len();
    }
    None
}

/// Parse one product file (`name` is the file stem, e.g. `python`): its release cycles
/// and the official images it ships (from `pkg:docker/library/<image>` identifiers and
/// the built-in name list). Errors say what is wrong, without the file name.
pub fn parse_product(name: &str, text: &str) -> Result<EolProduct, String> {
    let yaml = front_matter(text)
        .ok_or("no YAML front matter (a first line `---` and a closing `---`)")?;
    let front: FrontMatter =
        serde_saphyr::from_str(yaml).map_err(|e| format!("invalid front matter: {e}"))?;
    let mut images: Vec<String> = IMAGES
        .iter()
        .filter(|(p, _)| *p == name)
        .flat_map(|(_, imgs)| imgs.iter().map(|i| i.to_string()))
        .collect();
    for id in &front.identifiers {
        if let Some(Scalar::Text(purl)) = &id.purl
            && let Some(image) = purl.strip_prefix("pkg:docker/library/")
        {
            let image = image.split(['@', '?', '#']).next().unwrap_or(image);
            let image = image.to_ascii_lowercase();
            if !image.is_empty() && !image.contains('/') && !images.contains(&image) {
                images.push(image);
            }
        }
    }
    let mut cycles = Vec::with_capacity(front.releases.len());
    for (i, r) in front.releases.iter().enumerate() {
        let n = i + 1;
        let cycle = match &r.release_cycle {
            Some(Scalar::Text(c)) if !c.trim().is_empty() => c.trim().to_string(),
            _ => return Err(format!("release {n}: `releaseCycle` is missing or empty")),
        };
        let date = |field: &str, v: &Option<Scalar>| -> Result<Option<String>, String> {
            match v {
                Some(Scalar::Text(d)) => match parse_date(d.trim()) {
                    Some(_) => Ok(Some(d.trim().to_string())),
                    None => Err(format!(
                        "release {cycle}: `{field}: {d}` is not a YYYY-MM-DD date"
                    )),
                },
                _ => Ok(None),
            }
        };
        let end = |field: &str, v: &Option<Scalar>| -> Result<Option<Eol>, String> {
            Ok(match v {
                Some(Scalar::Bool(b)) => Some(Eol::Flag(*b)),
                Some(Scalar::Text(_)) => date(field, v)?.map(Eol::Date),
                _ => None,
            })
        };
        let eol = end("eol", &r.eol)?;
        let eoes = end("eoes", &r.eoes)?;
        let eol = match eoes {
            Some(e) if FREE_EXTENDED_SUPPORT.contains(&name) => e,
            // No end announced.
            _ => eol.unwrap_or(Eol::Flag(false)),
        };
        let codename = match &r.codename {
            Some(Scalar::Text(c)) => c
                .split_whitespace()
                .next()
                .map(|w| w.to_ascii_lowercase())
                .filter(|w| w.chars().all(|c| c.is_ascii_alphanumeric())),
            _ => None,
        };
        let release_date = date("releaseDate", &r.release_date)?;
        cycles.push(EolCycle {
            cycle,
            codename,
            release_date,
            eol,
        });
    }
    Ok(EolProduct {
        product: name.to_string(),
        images,
        cycles,
    })
}

/// The product files under `path`: a checkout (with `products/`), the `products/`
/// directory itself, or one `.md` file. Sorted, so imports are reproducible.
fn product_files(path: &Path) -> Result<Vec<PathBuf>, EolError> {
    let read_err = |p: &Path, source| EolError::Read {
        path: p.display().to_string(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(|e| read_err(path, e))?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let dir = if path.join("products").is_dir() {
        path.join("products")
    } else {
        path.to_path_buf()
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| read_err(&dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md") && p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(EolError::NoProducts {
            path: path.display().to_string(),
        });
    }
    Ok(files)
}

/// Import the products of `path` (see [`product_files`]) that ship an official image.
/// The result replaces any earlier import: it is a snapshot of the data set.
pub fn import_dir(path: &Path, now: u64) -> Result<(EolData, EolImportStats), EolError> {
    let mut stats = EolImportStats::default();
    let mut products = Vec::new();
    for file in product_files(path)? {
        let shown = file.display().to_string();
        let name = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let known = IMAGES.iter().any(|(p, _)| *p == name);
        let size = std::fs::metadata(&file)
            .map_err(|source| EolError::Read {
                path: shown.clone(),
                source,
            })?
            .len();
        stats.files += 1;
        let parsed = if size > MAX_PRODUCT_BYTES {
            Err(format!("larger than {MAX_PRODUCT_BYTES} bytes"))
        } else {
            let bytes = std::fs::read(&file).map_err(|source| EolError::Read {
                path: shown.clone(),
                source,
            })?;
            match String::from_utf8(bytes) {
                Ok(text) => parse_product(&name, &text),
                Err(_) => Err("not UTF-8 text".to_string()),
            }
        };
        match parsed {
            Ok(p) if p.images.is_empty() => {}
            Ok(p) => {
                stats.products += 1;
                stats.cycles += p.cycles.len();
                products.push(p);
            }
            Err(message) if known => {
                return Err(EolError::Product {
                    path: shown,
                    message,
                });
            }
            Err(message) => stats.skipped.push((shown, message)),
        }
    }
    if products.is_empty() {
        return Err(EolError::NoProducts {
            path: path.display().to_string(),
        });
    }
    Ok((
        EolData {
            imported_at: now,
            products,
        },
        stats,
    ))
}

#[derive(Serialize, Deserialize)]
struct EolFile {
    format: u32,
    #[serde(flatten)]
    data: EolData,
}

/// Load `<dir>/eol.json`; `Ok(None)` when there is none.
pub fn load(dir: &Path) -> Result<Option<EolData>, EolError> {
    let file = dir.join(EOL_FILE);
    let bytes = match std::fs::read(&file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(EolError::Read {
                path: file.display().to_string(),
                source,
            });
        }
    };
    from_json(&bytes)
        .map(Some)
        .map_err(|message| EolError::Corrupt {
            path: file.display().to_string(),
            message,
        })
}

/// Read the store format from bytes.
pub fn from_json(bytes: &[u8]) -> Result<EolData, String> {
    let f: EolFile = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    if f.format != EOL_FORMAT {
        return Err(format!(
            "format {} but this shipshape reads format {EOL_FORMAT}",
            f.format
        ));
    }
    Ok(f.data)
}

/// The store format as pretty JSON (what [`save`] writes).
pub fn to_json(data: &EolData) -> String {
    let f = EolFileRef {
        format: EOL_FORMAT,
        data,
    };
    let mut s = serde_json::to_string_pretty(&f).unwrap_or_default();
    s.push('\n');
    s
}

#[derive(Serialize)]
struct EolFileRef<'a> {
    format: u32,
    #[serde(flatten)]
    data: &'a EolData,
}

/// Write `<dir>/eol.json` (directory created if missing) atomically: a temporary file
/// renamed over it.
pub fn save(dir: &Path, data: &EolData) -> Result<(), EolError> {
    let write_err = |p: &Path, source| EolError::Write {
        path: p.display().to_string(),
        source,
    };
    crate::store::write_atomically(dir, EOL_FILE, to_json(data).as_ref())
        .map_err(|(p, e)| write_err(&p, e))
}

/// Size and age of the stored data at `now` (Unix seconds); `Ok(None)` without data.
pub fn status(dir: &Path, now: u64) -> Result<Option<EolStatus>, EolError> {
    let Some(data) = load(dir)? else {
        return Ok(None);
    };
    let bytes = std::fs::metadata(dir.join(EOL_FILE)).map_or(0, |m| m.len());
    Ok(Some(EolStatus {
        products: data.products.len(),
        cycles: data.cycles(),
        bytes,
        imported_at: data.imported_at,
        age_days: now.saturating_sub(data.imported_at) as f64 / 86_400.0,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fixture() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/endoflife")
    }

    #[test]
    fn imports_the_fixture() {
        let (data, stats) = import_dir(&fixture(), 7).unwrap();
        assert_eq!(stats.files, 6);
        assert_eq!(stats.products, 6);
        assert!(stats.skipped.is_empty(), "{:?}", stats.skipped);
        assert_eq!(data.imported_at, 7);
        let py = data.product_for_image("python").unwrap();
        assert_eq!(py.product, "python");
        let c38 = py.cycles.iter().find(|c| c.cycle == "3.8").unwrap();
        assert_eq!(c38.eol, Eol::Date("2024-10-07".into()));
        assert_eq!(c38.release_date.as_deref(), Some("2019-10-14"));
        // Mapped from the built-in list and from `pkg:docker/library/golang`.
        assert_eq!(data.product_for_image("golang").unwrap().product, "go");
        assert_eq!(data.product_for_image("node").unwrap().product, "nodejs");
        assert_eq!(
            data.product_for_image("alpine").unwrap().product,
            "alpine-linux"
        );
        let deb = data.product_for_image("debian").unwrap();
        let c12 = deb.cycles.iter().find(|c| c.cycle == "12").unwrap();
        assert_eq!(c12.codename.as_deref(), Some("bookworm"));
        // Debian LTS (`eoes`) reaches the debian images: it is their end of life.
        assert_eq!(c12.eol, Eol::Date("2028-06-30".into()));
        // Ubuntu ESM is paid: `eol` stays the end.
        let ubuntu = data.product_for_image("ubuntu").unwrap();
        let c20 = ubuntu.cycles.iter().find(|c| c.cycle == "20.04").unwrap();
        assert_eq!(c20.eol, Eol::Date("2025-05-29".into()));
        let go = data.product_for_image("golang").unwrap();
        assert_eq!(go.newest().unwrap().cycle, "1.25");
        assert!(go.cycles.iter().any(|c| c.eol == Eol::Flag(false)));
    }

    /// The check fixtures' data (`shipshape-checks/fixtures/eol.json`) is this importer's
    /// output for the fixture: it must not drift from it.
    #[test]
    fn checks_fixture_data_is_current() {
        let (data, _) = import_dir(&fixture(), 0).unwrap();
        let committed =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shipshape-checks/fixtures/eol.json");
        let want = to_json(&data);
        if std::env::var_os("SHIPSHAPE_BLESS").is_some() {
            std::fs::write(&committed, &want).unwrap();
        }
        let have = std::fs::read_to_string(&committed).unwrap_or_default();
        assert!(
            have == want,
            "{} is stale: run `SHIPSHAPE_BLESS=1 cargo test -p shipshape-vuln eol`",
            committed.display()
        );
    }

    #[test]
    fn accepts_the_products_dir_and_one_file() {
        let (data, _) = import_dir(&fixture().join("products"), 0).unwrap();
        assert_eq!(data.products.len(), 6);
        let (one, _) = import_dir(&fixture().join("products/python.md"), 0).unwrap();
        assert_eq!(one.products.len(), 1);
    }

    #[test]
    fn store_round_trips_atomically() {
        let d = tempfile::tempdir().unwrap();
        assert!(load(d.path()).unwrap().is_none());
        let (data, _) = import_dir(&fixture(), 100).unwrap();
        save(d.path(), &data).unwrap();
        assert_eq!(load(d.path()).unwrap().unwrap(), data);
        let names: Vec<_> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec![EOL_FILE.to_string()], "no temporary file left");
        let st = status(d.path(), 100 + 86_400).unwrap().unwrap();
        assert_eq!((st.products, st.age_days), (6, 1.0));
        assert!(st.bytes > 0 && st.cycles > 10);
        std::fs::write(d.path().join(EOL_FILE), "{\"format\": 9}").unwrap();
        let e = load(d.path()).unwrap_err().to_string();
        assert!(e.contains("eol.json") && e.contains("import-eol"), "{e}");
    }

    #[test]
    fn bad_input_names_the_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("products");
        std::fs::create_dir_all(&p).unwrap();
        // An unknown product with broken data is skipped; a mapped one is an error.
        std::fs::write(p.join("frobnicator.md"), "---\nreleases: [\n---\n").unwrap();
        std::fs::write(
            p.join("python.md"),
            "---\nreleases:\n  - releaseCycle: \"3.9\"\n    eol: 31/10/2025\n---\n",
        )
        .unwrap();
        let e = import_dir(d.path(), 0).unwrap_err().to_string();
        assert!(e.contains("python.md") && e.contains("YYYY-MM-DD"), "{e}");
        std::fs::write(p.join("python.md"), "no front matter\n").unwrap();
        let e = import_dir(d.path(), 0).unwrap_err().to_string();
        assert!(e.contains("python.md") && e.contains("front matter"), "{e}");
        std::fs::write(
            p.join("python.md"),
            "---\nreleases:\n  - releaseCycle: \"3.9\"\n    eol: 2025-10-31\n---\n",
        )
        .unwrap();
        let (data, stats) = import_dir(d.path(), 0).unwrap();
        assert_eq!(data.products.len(), 1);
        assert_eq!(stats.skipped.len(), 1);
        assert!(stats.skipped[0].0.ends_with("frobnicator.md"));
        let empty = tempfile::tempdir().unwrap();
        let e = import_dir(empty.path(), 0).unwrap_err().to_string();
        assert!(e.contains("products/*.md"), "{e}");
        let e = import_dir(&d.path().join("missing"), 0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing"), "{e}");
    }

    #[test]
    fn front_matter_scalars() {
        let p = parse_product(
            "nodejs",
            "---\ntitle: Node.js\nreleases:\n  - releaseCycle: 20\n    codename: Iron\n    eol: 2026-04-30\n  - releaseCycle: \"26\"\n    eol: false\n  - releaseCycle: \"4\"\n    eol: true\n---\n# body\n",
        )
        .unwrap();
        assert_eq!(p.images, vec!["node"]);
        assert_eq!(p.cycles[0].cycle, "20");
        assert_eq!(p.cycles[0].codename.as_deref(), Some("iron"));
        assert_eq!(p.cycles[1].eol, Eol::Flag(false));
        assert_eq!(p.cycles[2].eol, Eol::Flag(true));
        assert!(parse_product("x", "---\nreleases:\n  - eol: true\n---\n").is_err());
    }

    proptest! {
        #[test]
        fn parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let text = String::from_utf8_lossy(&bytes);
            let _ = parse_product("python", &text);
            let _ = parse_product("python", &format!("---\n{text}\n---\n"));
            let _ = from_json(&bytes);
        }

        #[test]
        fn release_lists_never_panic(cycle in "[0-9a-z.\" :-]{0,12}", eol in "[0-9a-z.\" :-]{0,12}") {
            let text = format!("---\nreleases:\n  - releaseCycle: {cycle}\n    eol: {eol}\n    codename: {cycle}\n---\n");
            let _ = parse_product("debian", &text);
        }
    }
}
