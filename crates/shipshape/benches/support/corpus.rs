//! A deterministic generated repository for benchmarks: mixed source files,
//! manifests, Kubernetes YAML, CI definitions and docs, sized by file count and
//! total bytes. Shared by the criterion bench and `examples/gen_corpus.rs`.

use std::fs;
use std::io::Write;
use std::path::Path;

/// xorshift64*: deterministic, dependency-free.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn ident(&mut self) -> String {
        const SYL: &[&str] = &[
            "ka", "lo", "mi", "ren", "tor", "vax", "qu", "sel", "din", "po", "ark", "zen",
        ];
        (0..2 + self.below(3))
            .map(|_| SYL[self.below(SYL.len() as u64) as usize])
            .collect()
    }
}

fn source(rng: &mut Rng, ext: &str, target: usize) -> String {
    let mut s = String::with_capacity(target + 512);
    while s.len() < target {
        let (f, v, w) = (rng.ident(), rng.ident(), rng.ident());
        let n = rng.below(1000);
        let block = match ext {
            "rs" => format!(
                "/// Computes the {f} of a {v}.\npub fn {f}_{n}({v}: &str, limit: usize) -> Result<Vec<String>, Error> {{\n    let mut out = Vec::with_capacity(limit);\n    for (i, part) in {v}.split(',').enumerate() {{\n        if i >= limit {{ break; }}\n        out.push(format!(\"{w}-{{}}\", part.trim()));\n    }}\n    tracing::debug!(count = out.len(), \"{f} done\");\n    Ok(out)\n}}\n\n"
            ),
            "go" => format!(
                "// {f}{n} returns the {v} for a {w}.\nfunc {f}{n}(ctx context.Context, {v} string) (int, error) {{\n\tif {v} == \"\" {{\n\t\treturn 0, fmt.Errorf(\"{f}: empty {v}\")\n\t}}\n\tcount := 0\n\tfor _, r := range {v} {{\n\t\tif r == ',' {{\n\t\t\tcount++\n\t\t}}\n\t}}\n\treturn count, nil\n}}\n\n"
            ),
            "py" => format!(
                "def {f}_{n}({v}, limit=10):\n    \"\"\"Return the {w} of {v}.\"\"\"\n    result = []\n    for i, item in enumerate({v}.split(',')):\n        if i >= limit:\n            break\n        result.append(item.strip().lower())\n    logger.info(\"{f} computed\", extra={{\"count\": len(result)}})\n    return result\n\n\n"
            ),
            "ts" | "js" => format!(
                "export async function {f}{n}({v}, options = {{}}) {{\n  const parts = String({v}).split(',');\n  const limit = options.limit ?? 10;\n  const out = [];\n  for (const p of parts.slice(0, limit)) {{\n    out.push(p.trim().toUpperCase());\n  }}\n  console.debug('{w}', out.length);\n  return out;\n}}\n\n"
            ),
            _ => format!(
                "public static int {f}{n}(String {v}) {{\n    if ({v} == null || {v}.isEmpty()) {{\n        throw new IllegalArgumentException(\"{w}\");\n    }}\n    int count = 0;\n    for (char c : {v}.toCharArray()) {{\n        if (c == ',') count++;\n    }}\n    return count;\n}}\n\n"
            ),
        };
        s.push_str(&block);
        // Occasional lines that hit secret-rule keywords without being secrets.
        if rng.below(40) == 0 {
            s.push_str(&format!(
                "// the {v} token is read from the environment: TOKEN_{n}\n"
            ));
        }
    }
    s
}

/// One Deployment with its Service, PodDisruptionBudget and NetworkPolicy. Most are
/// hardened as a production repository's would be; about one in twenty lacks its
/// security context, spread constraint and budget, so checks see both outcomes.
fn k8s(rng: &mut Rng) -> String {
    let name = rng.ident();
    let replicas = 2 + rng.below(3);
    let hardened = rng.below(20) != 0;
    let (security, spread, extra) = if hardened {
        (
            "          securityContext:\n            runAsNonRoot: true\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            capabilities: {drop: [ALL]}\n".to_string(),
            format!("      topologySpreadConstraints:\n        - maxSkew: 1\n          topologyKey: kubernetes.io/hostname\n          whenUnsatisfiable: ScheduleAnyway\n          labelSelector: {{matchLabels: {{app: {name}}}}}\n"),
            format!("---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {name}\nspec:\n  maxUnavailable: 1\n  selector: {{matchLabels: {{app: {name}}}}}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {name}\nspec:\n  podSelector: {{matchLabels: {{app: {name}}}}}\n  policyTypes: [Ingress]\n  ingress: [{{ports: [{{port: 8080}}]}}]\n"),
        )
    } else {
        (String::new(), String::new(), String::new())
    };
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  labels: {{app: {name}}}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n{spread}      containers:\n        - name: {name}\n          image: ghcr.io/acme/{name}:1.{replicas}.0\n          ports: [{{containerPort: 8080}}]\n          resources:\n            requests: {{cpu: 100m, memory: 128Mi}}\n            limits: {{memory: 256Mi}}\n{security}          readinessProbe:\n            httpGet: {{path: /readyz, port: 8080}}\n          livenessProbe:\n            httpGet: {{path: /livez, port: 8080}}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector: {{app: {name}}}\n  ports: [{{port: 80, targetPort: 8080}}]\n{extra}"
    )
}

/// Write a corpus of exactly `files` distinct files and about `bytes` bytes under `dir`.
pub fn generate(dir: &Path, files: usize, bytes: u64) -> std::io::Result<(usize, u64)> {
    let mut rng = Rng::new(0x5eed_cafe);
    let per_file = (bytes / files.max(1) as u64) as usize;
    let written = std::cell::Cell::new(0usize);
    let mut total = 0u64;
    fs::create_dir_all(dir)?;
    // Generated names can repeat (one manifest per service, random file names): a path
    // is written once, and only new paths count towards `files`.
    let mut seen = std::collections::HashSet::new();
    let mut write = |rel: String, content: String| -> std::io::Result<()> {
        if !seen.insert(rel.clone()) {
            return Ok(());
        }
        let p = dir.join(&rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::File::create(&p)?.write_all(content.as_bytes())?;
        written.set(written.get() + 1);
        total += content.len() as u64;
        Ok(())
    };
    write(
        "README.md".into(),
        "# corpus\n\n## Install\n\nmake\n\n## Usage\n\nrun it\n".into(),
    )?;
    write(".github/workflows/ci.yml".into(), "on: [push, pull_request]\npermissions: {contents: read}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n      - run: make test\n".into())?;
    // About 200 files per service, each service with a handful of directories, as in
    // a real monorepo (one name per service, not one per file).
    let services: Vec<String> = (0..(files / 200).max(1))
        .map(|n| format!("services/{}-{n}", rng.ident()))
        .collect();
    let mut i = 0usize;
    while written.get() < files {
        let svc = &services[i % services.len()];
        let kind = rng.below(100);
        let (rel, content) = match kind {
            0..=1 => (
                format!("{svc}/package.json"),
                format!(
                    "{{\"name\": \"{}\", \"version\": \"1.0.0\", \"dependencies\": {{\"express\": \"^4.19.0\", \"pino\": \"^9.0.0\", \"prom-client\": \"^15.1.0\"}}}}\n",
                    rng.ident()
                ),
            ),
            2..=3 => (
                format!("{svc}/Cargo.toml"),
                format!(
                    "[package]\nname = \"{}\"\nversion = \"0.1.0\"\n\n[dependencies]\naxum = \"0.8\"\ntracing = \"0.1\"\n",
                    rng.ident()
                ),
            ),
            4 => (
                format!("{svc}/go.mod"),
                format!(
                    "module example.com/{}\n\ngo 1.22\n\nrequire github.com/prometheus/client_golang v1.19.0\n",
                    rng.ident()
                ),
            ),
            5..=11 => (
                format!("{svc}/deploy/{}.yaml", rng.ident()),
                // Several distinct objects per file, as `---`-separated documents.
                (0..(per_file / 2400).max(1))
                    .map(|_| k8s(&mut rng))
                    .collect::<Vec<_>>()
                    .join("---\n"),
            ),
            12..=15 => (
                format!("{svc}/docs/{}.md", rng.ident()),
                format!(
                    "# {}\n\n{}",
                    rng.ident(),
                    "Operational notes for this component. ".repeat(per_file / 40)
                ),
            ),
            16..=39 => (
                format!("{svc}/src/{}.rs", rng.ident()),
                source(&mut rng, "rs", per_file),
            ),
            40..=59 => (
                format!("{svc}/pkg/{}.go", rng.ident()),
                source(&mut rng, "go", per_file),
            ),
            60..=74 => (
                format!("{svc}/app/{}.py", rng.ident()),
                source(&mut rng, "py", per_file),
            ),
            75..=89 => (
                format!("{svc}/web/{}.ts", rng.ident()),
                source(&mut rng, "ts", per_file),
            ),
            _ => (
                format!("{svc}/java/{}.java", rng.ident()),
                source(&mut rng, "java", per_file),
            ),
        };
        write(rel, content)?;
        i += 1;
    }
    Ok((written.get(), total))
}
