//! A generated monorepo of N services of one shape, for the scaling benchmark
//! (#17: a scan's cost per unit must stay flat as units are added).
//!
//! Each service `services/svc-<i>/` is a Go module with an HTTP server (a health
//! route, metrics, graceful shutdown, timeouts), a few source files, a multi-stage
//! Dockerfile and a README. What relates a unit to files outside it grows with N, as
//! in a real monorepo: its Kubernetes manifests in `deploy/k8s/` (matched by image),
//! its alert rules and dashboard in `monitoring/` (matched by name), its runbook in
//! `docs/runbooks/` (linked from the alerts), a `CODEOWNERS` line and a `go.work`
//! entry. Deterministic: the same N writes the same bytes.

use std::fs;
use std::io;
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) -> io::Result<u64> {
    let p = root.join(rel);
    if let Some(d) = p.parent() {
        fs::create_dir_all(d)?;
    }
    fs::write(&p, text)?;
    Ok(text.len() as u64)
}

fn main_go(i: usize) -> String {
    format!(
        "package main\n\nimport (\n\t\"context\"\n\t\"log/slog\"\n\t\"net/http\"\n\t\"os\"\n\t\"os/signal\"\n\t\"syscall\"\n\t\"time\"\n\n\t\"github.com/prometheus/client_golang/prometheus/promhttp\"\n\t\"go.opentelemetry.io/otel\"\n)\n\nfunc main() {{\n\tlog := slog.New(slog.NewJSONHandler(os.Stdout, nil))\n\ttracer := otel.Tracer(\"svc-{i}\")\n\t_ = tracer\n\tmux := http.NewServeMux()\n\tmux.HandleFunc(\"/healthz\", func(w http.ResponseWriter, _ *http.Request) {{ w.WriteHeader(http.StatusOK) }})\n\tmux.HandleFunc(\"/readyz\", func(w http.ResponseWriter, _ *http.Request) {{ w.WriteHeader(http.StatusOK) }})\n\tmux.Handle(\"/metrics\", promhttp.Handler())\n\tmux.HandleFunc(\"/api/v1/items\", listItems)\n\tsrv := &http.Server{{Addr: \":8080\", Handler: mux, ReadTimeout: 5 * time.Second, WriteTimeout: 10 * time.Second}}\n\tgo func() {{\n\t\tif err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {{\n\t\t\tlog.Error(\"serve\", \"err\", err)\n\t\t\tos.Exit(1)\n\t\t}}\n\t}}()\n\tstop := make(chan os.Signal, 1)\n\tsignal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)\n\t<-stop\n\tctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)\n\tdefer cancel()\n\t_ = srv.Shutdown(ctx)\n}}\n"
    )
}

fn handler_go(i: usize, n: usize) -> String {
    let mut s = format!(
        "package main\n\nimport (\n\t\"encoding/json\"\n\t\"net/http\"\n\t\"strings\"\n)\n\n// Items of svc-{i}, part {n}.\n"
    );
    for f in 0..40 {
        s.push_str(&format!(
            "\n// item{n}x{f} normalises one field of an item.\nfunc item{n}x{f}(v string) string {{\n\tparts := strings.Split(v, \",\")\n\tfor k, p := range parts {{\n\t\tparts[k] = strings.TrimSpace(strings.ToLower(p))\n\t}}\n\treturn strings.Join(parts, \",\")\n}}\n"
        ));
    }
    if n == 0 {
        s.push_str("\nfunc listItems(w http.ResponseWriter, r *http.Request) {\n\tw.Header().Set(\"Content-Type\", \"application/json\")\n\t_ = json.NewEncoder(w).Encode([]string{item0x0(r.URL.Query().Get(\"q\"))})\n}\n");
    } else {
        s.push_str(&format!(
            "\nvar _ = json.Marshal\nvar _ http.Handler\nvar _ = item{n}x0\n"
        ));
    }
    s
}

fn k8s(i: usize) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc-{i}\n  labels: {{app: svc-{i}}}\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {{app: svc-{i}}}\n  template:\n    metadata:\n      labels: {{app: svc-{i}}}\n    spec:\n      securityContext:\n        runAsNonRoot: true\n      topologySpreadConstraints:\n        - maxSkew: 1\n          topologyKey: kubernetes.io/hostname\n          whenUnsatisfiable: ScheduleAnyway\n          labelSelector: {{matchLabels: {{app: svc-{i}}}}}\n      containers:\n        - name: svc-{i}\n          image: ghcr.io/acme/svc-{i}:1.4.{i}\n          ports: [{{containerPort: 8080, name: http}}]\n          readinessProbe: {{httpGet: {{path: /readyz, port: http}}}}\n          livenessProbe: {{httpGet: {{path: /healthz, port: http}}, periodSeconds: 20}}\n          resources:\n            requests: {{cpu: 100m, memory: 128Mi}}\n            limits: {{memory: 256Mi}}\n          securityContext:\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            capabilities: {{drop: [ALL]}}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\nspec:\n  selector: {{app: svc-{i}}}\n  ports: [{{port: 80, targetPort: http}}]\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: svc-{i}\nspec:\n  maxUnavailable: 1\n  selector: {{matchLabels: {{app: svc-{i}}}}}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: svc-{i}\nspec:\n  podSelector: {{matchLabels: {{app: svc-{i}}}}}\n  policyTypes: [Ingress]\n  ingress: [{{ports: [{{port: 8080}}]}}]\n"
    )
}

fn alerts(i: usize) -> String {
    format!(
        "groups:\n  - name: svc-{i}\n    rules:\n      - alert: Svc{i}HighErrorRate\n        expr: sum(rate(http_requests_total{{job=\"svc-{i}\",code=~\"5..\"}}[5m])) / sum(rate(http_requests_total{{job=\"svc-{i}\"}}[5m])) > 0.05\n        for: 10m\n        labels: {{severity: page}}\n        annotations:\n          summary: svc-{i} is failing requests\n          runbook_url: https://github.com/acme/platform/blob/main/docs/runbooks/svc-{i}.md\n      - alert: Svc{i}Down\n        expr: up{{job=\"svc-{i}\"}} == 0\n        for: 5m\n        labels: {{severity: page}}\n        annotations:\n          runbook_url: https://github.com/acme/platform/blob/main/docs/runbooks/svc-{i}.md\n"
    )
}

/// Writes the monorepo into `root` (which should be empty); returns (files, bytes).
pub fn generate(root: &Path, units: usize) -> io::Result<(usize, u64)> {
    let mut files = 0;
    let mut bytes = 0;
    let mut put = |rel: &str, text: &str| -> io::Result<()> {
        files += 1;
        bytes += write(root, rel, text)?;
        Ok(())
    };
    let mut codeowners = String::from("# Owners, one team a service\n* @acme/platform\n");
    let mut work = String::from("go 1.23\n\nuse (\n");
    for i in 0..units {
        let dir = format!("services/svc-{i}");
        put(
            &format!("{dir}/go.mod"),
            &format!(
                "module github.com/acme/platform/services/svc-{i}\n\ngo 1.23\n\nrequire (\n\tgithub.com/prometheus/client_golang v1.20.5\n\tgo.opentelemetry.io/otel v1.32.0\n)\n"
            ),
        )?;
        put(&format!("{dir}/main.go"), &main_go(i))?;
        for n in 0..4 {
            put(&format!("{dir}/items{n}.go"), &handler_go(i, n))?;
        }
        put(
            &format!("{dir}/items_test.go"),
            "package main\n\nimport \"testing\"\n\nfunc TestItem(t *testing.T) {\n\tif item0x0(\" A,b \") != \"a,b\" {\n\t\tt.Fatal(\"normalise\")\n\t}\n}\n",
        )?;
        put(
            &format!("{dir}/Dockerfile"),
            &format!(
                "FROM golang:1.23-bookworm AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /svc-{i} .\n\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /svc-{i} /svc\nUSER nonroot:nonroot\nEXPOSE 8080\nENTRYPOINT [\"/svc\"]\n"
            ),
        )?;
        put(
            &format!("{dir}/README.md"),
            &format!(
                "# svc-{i}\n\nServes `/api/v1/items` for the platform.\n\n## Running\n\n`go run .` then `curl localhost:8080/healthz`.\n\n## Operations\n\nDeployed by the platform pipeline; see docs/runbooks/svc-{i}.md.\n"
            ),
        )?;
        put(&format!("deploy/k8s/svc-{i}.yaml"), &k8s(i))?;
        put(&format!("monitoring/alerts/svc-{i}.rules.yaml"), &alerts(i))?;
        put(
            &format!("monitoring/dashboards/svc-{i}.json"),
            &format!(
                "{{\n  \"title\": \"svc-{i}\",\n  \"uid\": \"svc-{i}\",\n  \"panels\": [\n    {{\"type\": \"timeseries\", \"title\": \"requests\", \"targets\": [{{\"expr\": \"sum(rate(http_requests_total{{job=\\\"svc-{i}\\\"}}[5m]))\"}}]}}\n  ]\n}}\n"
            ),
        )?;
        put(
            &format!("docs/runbooks/svc-{i}.md"),
            &format!(
                "# svc-{i} runbook\n\n## Svc{i}HighErrorRate\n\nCheck the last deploy; roll back with `kubectl rollout undo deployment/svc-{i}`.\n\n## Svc{i}Down\n\nCheck the pods' events and the node.\n"
            ),
        )?;
        codeowners.push_str(&format!("/services/svc-{i}/ @acme/team-{}\n", i % 40));
        work.push_str(&format!("\t./services/svc-{i}\n"));
    }
    work.push_str(")\n");
    put(".github/CODEOWNERS", &codeowners)?;
    put("go.work", &work)?;
    put(
        "README.md",
        "# platform\n\nThe platform's services, one Go module each under `services/`.\n\n## Architecture\n\nEach service is a small HTTP API behind the ingress.\n\n## Contributing\n\nSee CONTRIBUTING.md.\n",
    )?;
    put(
        "SECURITY.md",
        "# Security\n\nReport vulnerabilities to security@acme.example; we answer within two working days.\n",
    )?;
    put(
        ".github/workflows/ci.yml",
        "name: ci\non:\n  push:\n    branches: [main]\n  pull_request:\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed\n        with: {go-version-file: go.work}\n      - run: go test ./...\n      - run: go vet ./...\n",
    )?;
    put(
        ".github/dependabot.yml",
        "version: 2\nupdates:\n  - package-ecosystem: gomod\n    directory: /\n    schedule: {interval: weekly}\n",
    )?;
    Ok((files, bytes))
}
