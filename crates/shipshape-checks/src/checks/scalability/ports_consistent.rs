//! `scalability/ports-consistent` (cross-artifact): container ports, probe ports and Service target ports agree.

use super::k8s_util::{SelectorIndex, container_name, nothing_to_judge, selects};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::Yaml;
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "scalability/ports-consistent",
        title: "Probe and Service ports match the container's ports",
        area: Area::Scalability,
        severity: Severity::Medium,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with Kubernetes workloads that declare container ports",
        rationale: "A Service whose targetPort names a port no container declares sends traffic nowhere; a probe on the wrong port marks healthy pods dead. Each file looks fine alone — only comparing them shows the break.",
        evaluation: "Cross-checks objects of the unit. For every workload whose containers declare `ports`: a probe (`httpGet`/`tcpSocket`/`grpc`) port given by name must be a declared port name of its container (fail), and one given by number should be a declared containerPort (warn: Kubernetes can probe undeclared ports, but it usually means a typo); every Service in the same namespace whose selector matches the pod labels must have each `targetPort` (defaulting to `port`) among the workload's declared container ports — by name (fail when missing, the Service cannot resolve it) or by number (warn). Findings are at the probe's or the Service port's line. Passes when everything matches; `n/a` when no workload declares container ports; `error` when a manifest does not parse.",
        remediation: "Name the container port (`ports: [{name: http, containerPort: 8080}]`) and refer to it by name from probes (`port: http`) and Services (`targetPort: http`), so a port change is made in one place.",
        references: &[
            "https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports",
        ],
    },
    run,
};

/// A port as a probe or Service refers to it: a number, or a name (anything that is not
/// a plain non-negative number, compared as text).
#[derive(Debug, Clone, PartialEq)]
enum Port<'a> {
    Num(u64),
    Name(std::borrow::Cow<'a, str>),
}

impl std::fmt::Display for Port<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Port::Num(n) => write!(f, "{n}"),
            Port::Name(s) => f.write_str(s),
        }
    }
}

/// A port reference read without allocating for the usual shapes (`8080`, `"8080"`,
/// `http`); other scalars (`-1`, `80.5`, `true`) are compared by their text.
fn port_ref(y: &Yaml) -> Option<Port<'_>> {
    if let Some(s) = y.as_str() {
        let digits = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        return Some(match s.parse::<u64>() {
            Ok(n) if digits => Port::Num(n),
            _ => Port::Name(s.into()),
        });
    }
    match y.as_i64() {
        Some(n) if n >= 0 => Some(Port::Num(n as u64)),
        _ => y.scalar_text().map(|t| Port::Name(t.into())),
    }
}

/// The ports a set of containers declares: `containerPort` numbers and port names.
#[derive(Default)]
struct Declared<'a> {
    nums: Vec<u64>,
    names: Vec<&'a str>,
}

impl<'a> Declared<'a> {
    fn of(containers: &[&'a Yaml]) -> Declared<'a> {
        let mut d = Declared::default();
        for c in containers {
            for p in c.idx("ports").items() {
                if let Some(Port::Num(n)) = port_ref(p.idx("containerPort")) {
                    d.nums.push(n);
                }
                if let Some(n) = p.idx("name").as_str() {
                    d.names.push(n);
                }
            }
        }
        d
    }

    fn is_empty(&self) -> bool {
        self.nums.is_empty() && self.names.is_empty()
    }

    /// `None` when `port` is declared, else whether it is a number (warn) or a name
    /// (fail: nothing can resolve it).
    fn missing(&self, port: &Port) -> Option<bool> {
        match port {
            Port::Num(n) => (!self.nums.contains(n)).then_some(true),
            Port::Name(s) => (!self.names.contains(&s.as_ref())).then_some(false),
        }
    }

    fn numbers(&self) -> String {
        let nums: Vec<String> = self.nums.iter().map(u64::to_string).collect();
        nums.join(", ")
    }
}

fn run(ctx: &Ctx) -> Verdict {
    let workloads: Vec<_> = ctx
        .workloads()
        .filter(|w| {
            w.containers(false)
                .iter()
                .any(|c| !c.idx("ports").items().is_empty())
        })
        .collect();
    if workloads.is_empty() {
        return nothing_to_judge(ctx, "no workload declares container ports");
    }
    let service_list: Vec<_> = ctx.k8s().filter(|o| o.kind == "Service").collect();
    let services = SelectorIndex::new(service_list.iter().copied(), selects);
    // Each Service's target ports, read once (a Service may select many workloads).
    let service_ports: Vec<Vec<(&Yaml, Port)>> = service_list
        .iter()
        .map(|s| {
            s.doc
                .at(&["spec", "ports"])
                .map(|p| p.items())
                .unwrap_or(&[])
                .iter()
                .filter_map(|sp| {
                    let t = sp.get("targetPort").or_else(|| sp.get("port"))?;
                    Some((t, port_ref(t)?))
                })
                .collect()
        })
        .collect();
    let (mut fails, mut warns, mut checked) = (Vec::new(), Vec::new(), 0);
    for w in &workloads {
        let containers = w.containers(false);
        for c in &containers {
            let declared = Declared::of(&[c]);
            if declared.is_empty() {
                continue;
            }
            for kind in ["livenessProbe", "readinessProbe", "startupProbe"] {
                let Some(probe) = c.get(kind) else { continue };
                let port = ["httpGet", "tcpSocket", "grpc"]
                    .iter()
                    .find_map(|h| probe.at(&[h, "port"]));
                let Some(port) = port else { continue };
                let Some(p) = port_ref(port) else { continue };
                checked += 1;
                let Some(numeric) = declared.missing(&p) else {
                    continue;
                };
                let cname = container_name(c);
                let key = format!("{}:{cname}:{kind}", w.display());
                let at = Location::line(&w.path, port.line);
                if numeric {
                    warns.push(Finding::at(at, format!("{kind} of container `{cname}` in {} uses port {p}, which the container does not declare ({})", w.display(), declared.numbers())).with_key(key));
                } else {
                    fails.push(Finding::at(at, format!("{kind} of container `{cname}` in {} uses port name `{p}`, which the container does not declare", w.display())).with_key(key));
                }
            }
        }
        let declared = Declared::of(&containers);
        for (n, s) in services.selecting_indexed(w) {
            for (t, p) in &service_ports[n] {
                checked += 1;
                let Some(numeric) = declared.missing(p) else {
                    continue;
                };
                let key = format!("{}:{}:{p}", s.display(), w.display());
                let at = Location::line(&s.path, t.line);
                if numeric {
                    warns.push(
                        Finding::at(
                            at,
                            format!(
                                "{} targets port {p}, but {} declares {}",
                                s.display(),
                                w.display(),
                                declared.numbers()
                            ),
                        )
                        .with_key(key),
                    );
                } else {
                    fails.push(
                        Finding::at(
                            at,
                            format!(
                                "{} targets port name `{p}`, which no container of {} declares",
                                s.display(),
                                w.display()
                            ),
                        )
                        .with_key(key),
                    );
                }
            }
        }
    }
    if !fails.is_empty() {
        fails.extend(warns);
        Verdict::fail(
            format!("{} port reference(s) do not resolve", fails.len()),
            fails,
        )
    } else if !warns.is_empty() {
        Verdict::warn(
            format!(
                "{} port reference(s) point at undeclared ports",
                warns.len()
            ),
            warns,
        )
    } else {
        Verdict::pass(format!(
            "{checked} probe/Service port reference(s) match declared container ports"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const DEP: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    metadata: {labels: {app: api}}\n    spec:\n      containers:\n        - name: api\n          image: api:1\n          ports: [{name: http, containerPort: 8080}]\n          readinessProbe: {httpGet: {path: /readyz, port: http}}\n";

    fn svc(target: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata: {{name: api}}\nspec:\n  selector: {{app: api}}\n  ports:\n    - port: 80\n      targetPort: {target}\n"
        )
    }

    #[test]
    fn names_numbers_and_mismatches() {
        assert_eq!(
            run_on_files(
                &CHECK,
                &[("k8s/api.yaml", DEP), ("k8s/svc.yaml", &svc("http"))]
            )
            .outcome,
            Outcome::Pass
        );
        assert_eq!(
            run_on_files(
                &CHECK,
                &[("k8s/api.yaml", DEP), ("k8s/svc.yaml", &svc("8080"))]
            )
            .outcome,
            Outcome::Pass
        );
        let v = run_on_files(
            &CHECK,
            &[("k8s/api.yaml", DEP), ("k8s/svc.yaml", &svc("web"))],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        let loc = v.findings[0].location.as_ref().unwrap();
        assert_eq!((loc.path.as_str(), loc.line), ("k8s/svc.yaml", Some(8)));
        let v = run_on_files(
            &CHECK,
            &[("k8s/api.yaml", DEP), ("k8s/svc.yaml", &svc("3000"))],
        );
        assert_eq!(v.outcome, Outcome::Warn);
        let probe = DEP.replace("port: http}", "port: 9090}");
        let v = run_on_files(&CHECK, &[("k8s/api.yaml", &probe)]);
        assert_eq!(v.outcome, Outcome::Warn);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(12));
        let other = svc("web").replace("app: api", "app: worker");
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/api.yaml", DEP), ("k8s/svc.yaml", &other)]).outcome,
            Outcome::Pass
        );
    }

    #[test]
    fn port_references_read_as_numbers_or_names() {
        let doc = shipshape_facts::parse_document(
            "a: 8080\nb: \"8080\"\nc: http\nd: -1\ne: 80.5\nf: true\ng: \"\"\nh: 99999999999999999999\n",
        )
        .expect("test YAML parses");
        let p = |k: &str| port_ref(doc.idx(k)).map(|p| p.to_string());
        assert_eq!(port_ref(doc.idx("a")), Some(Port::Num(8080)));
        assert_eq!(port_ref(doc.idx("b")), Some(Port::Num(8080)));
        assert_eq!(port_ref(doc.idx("c")), Some(Port::Name("http".into())));
        assert!(matches!(port_ref(doc.idx("d")), Some(Port::Name(_))));
        assert_eq!(p("d").as_deref(), Some("-1"));
        assert!(matches!(port_ref(doc.idx("e")), Some(Port::Name(_))));
        assert!(matches!(port_ref(doc.idx("f")), Some(Port::Name(_))));
        assert!(matches!(port_ref(doc.idx("g")), Some(Port::Name(_))));
        assert!(matches!(port_ref(doc.idx("h")), Some(Port::Name(_))));
        assert_eq!(port_ref(doc.idx("missing")), None);
        // A quoted number targets the declared number; a name that is not declared fails.
        let quoted = svc("\"8080\"");
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/api.yaml", DEP), ("k8s/svc.yaml", &quoted)]).outcome,
            Outcome::Pass
        );
    }
}
